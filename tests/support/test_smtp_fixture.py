"""The SMTP fixture really receives mail over a socket."""

from django.core.mail import send_mail


def test_mail_sent_by_django_arrives_over_smtp(smtp_server) -> None:
    send_mail("Bonjour", "Le conseil municipal est jeudi.", "mairie@example.fr", ["elu@example.fr"])
    [message] = smtp_server.wait_for("elu@example.fr")
    assert message["Subject"] == "Bonjour"
    assert "conseil municipal" in smtp_server.text_of(message)
