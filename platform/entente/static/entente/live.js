/* Entente live updates: the notification bell and a space's activity, over one websocket.
   Progressive enhancement: without this script (or without websockets) pages work as before,
   they simply do not update by themselves. Protocol: realtime/consumers.py.

   - Reconnects after a drop with exponential backoff and full jitter (1 s doubling to 60 s),
     except when the server said "not logged in" (4401) or "not a member" (4403).
   - Remembers the last notification id it saw (sessionStorage, per tab and person) and sends
     it on each connection: the server replays what was missed, then live ones, once each.
     The replay also holds notifications with older ids made shortly before that one (a slow
     transaction commits an older id late) but those the tab showed: it remembers them (the
     last SEEN_MAX, same storage), sends them with its hello, and skips any shown already.
   - Bell: #notification-count (text and data-unread-count) takes the server's count; new
     notifications are announced politely in #live-announcer.
   - Space page: [data-live-activity][data-space-id] gets new entries prepended to its list.
   - <html data-live="connected|offline"> tells styles (and tests) whether updates flow. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("WebSocket" in window)) return;
  var config = script.dataset;
  var STOP_CODES = { 4401: true, 4403: true };
  var BASE_DELAY = 1000;
  var MAX_DELAY = 60000;
  var storageKey = "entente.live.lastNotification." + (config.person || "");
  var seenKey = "entente.live.seenNotifications." + (config.person || "");
  var SEEN_MAX = 300;
  var seen = readSeen(); /* ids shown in this tab, oldest first */

  var socket = null;
  var attempts = 0;
  var countedUpTo = null; /* ids up to this one are in the server's unread count */
  var watches = {}; /* space id -> {list element, last activity id} */

  function readLastId() {
    try {
      var value = parseInt(window.sessionStorage.getItem(storageKey), 10);
      return isNaN(value) ? null : value;
    } catch (error) {
      return null;
    }
  }

  function readSeen() {
    try {
      var value = JSON.parse(window.sessionStorage.getItem(seenKey) || "[]");
      return Array.isArray(value) ? value : [];
    } catch (error) {
      return [];
    }
  }

  /* True the first time an id is shown in this tab. */
  function firstSight(id) {
    if (seen.indexOf(id) !== -1) return false;
    seen.push(id);
    if (seen.length > SEEN_MAX) seen.splice(0, seen.length - SEEN_MAX);
    try {
      window.sessionStorage.setItem(seenKey, JSON.stringify(seen));
    } catch (error) {
      /* storage refused: remembered for this page only */
    }
    return true;
  }

  function writeLastId(id) {
    var last = readLastId();
    if (last !== null && last >= id) return;
    try {
      window.sessionStorage.setItem(storageKey, String(id));
    } catch (error) {
      /* storage refused (private mode): the bell still takes the server's count */
    }
  }

  function announce(text) {
    var region = document.getElementById("live-announcer");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function setCount(count) {
    var bell = document.getElementById("notification-count");
    if (!bell) return;
    bell.textContent = String(count);
    bell.setAttribute("data-unread-count", String(count));
    bell.hidden = count === 0 && bell.hasAttribute("data-hide-when-zero");
  }

  function currentCount() {
    var bell = document.getElementById("notification-count");
    var value = bell ? parseInt(bell.getAttribute("data-unread-count"), 10) : 0;
    return isNaN(value) ? 0 : value;
  }

  function onNotification(message) {
    writeLastId(message.id);
    if (!firstSight(message.id)) return;
    if (countedUpTo !== null && message.id > countedUpTo) {
      countedUpTo = message.id;
      if (!message.read) setCount(currentCount() + 1);
      announce((config.newNotification || "Nouvelle notification : ") + message.title);
    }
    document.dispatchEvent(new CustomEvent("entente:notification", { detail: message }));
  }

  function activityItem(message) {
    var item = document.createElement("li");
    item.setAttribute("data-activity-id", String(message.id));
    var who = document.createElement("strong");
    who.textContent = message.actor || "Entente";
    var when = document.createElement("time");
    when.setAttribute("datetime", message.created_at);
    when.textContent = config.justNow || "à l’instant";
    item.appendChild(who);
    item.appendChild(document.createTextNode(" " + message.summary + " "));
    item.appendChild(when);
    return item;
  }

  function onActivity(message) {
    var watch = watches[message.space_id];
    if (!watch || message.id <= watch.last) return;
    watch.last = message.id;
    var list = watch.element.querySelector("ol.activity-feed");
    if (!list) {
      list = document.createElement("ol");
      list.className = "activity-feed";
      list.setAttribute("reversed", "");
      var empty = watch.element.querySelector("[data-activity-empty]");
      if (empty) empty.remove();
      watch.element.appendChild(list);
    }
    list.insertBefore(activityItem(message), list.firstChild);
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function watchSpaces() {
    Object.keys(watches).forEach(function (spaceId) {
      send({ type: "watch", space_id: parseInt(spaceId, 10), last_activity_id: watches[spaceId].last });
    });
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + (config.socket || "/ws/live/"));
    socket.addEventListener("open", function () {
      send({ type: "hello", last_notification_id: readLastId(), seen: seen });
      watchSpaces();
    });
    socket.addEventListener("message", function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message.type === "notification") onNotification(message);
      else if (message.type === "ready") {
        attempts = 0;
        document.documentElement.setAttribute("data-live", "connected");
        countedUpTo = message.last_notification_id;
        if (message.last_notification_id) writeLastId(message.last_notification_id);
        setCount(message.unread);
      } else if (message.type === "unread") setCount(message.count);
      else if (message.type === "activity") onActivity(message);
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      document.documentElement.setAttribute("data-live", "offline");
      countedUpTo = null;
      if (STOP_CODES[event.code]) return;
      var ceiling = Math.min(MAX_DELAY, BASE_DELAY * Math.pow(2, attempts));
      attempts += 1;
      window.setTimeout(connect, Math.random() * ceiling);
    });
  }

  function start() {
    document.querySelectorAll("[data-live-activity][data-space-id]").forEach(function (element) {
      var spaceId = parseInt(element.getAttribute("data-space-id"), 10);
      var last = parseInt(element.getAttribute("data-last-activity-id"), 10);
      if (!isNaN(spaceId)) watches[spaceId] = { element: element, last: isNaN(last) ? 0 : last };
    });
    connect();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
