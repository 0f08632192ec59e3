"""« Mon travail » lists the new versions of the files I follow, while I may still open them."""

from __future__ import annotations

from entente.documents import services
from entente.mywork.selectors import DOCUMENT, my_work, work_page
from tests.entente.documents.conftest import World, pdf


def test_a_new_version_of_a_file_i_follow_is_in_my_work_until_its_folder_closes(
    world: World,
) -> None:
    reader = world.people["reader"]
    assert [i for i in my_work(reader) if i.kind == DOCUMENT] == []  # not followed yet
    with world.enter():
        services.follow(membership=world.membership("reader"), document=world.document)
        services.add_version(
            membership=world.membership("editor"), document=world.document, content=pdf("v2")
        )
    [item] = [i for i in my_work(reader) if i.kind == DOCUMENT]
    assert work_page(reader, key="documents")[0].object_list == [item]
    assert (item.title, item.space_name) == (world.document.name, world.space.name)
    assert item.url.endswith(f"/documents/fichiers/{world.document.pk}/")
    # the editor added it (and follows it as its author): not news to them
    assert [i for i in my_work(world.people["editor"]) if i.kind == DOCUMENT] == []
    page = world.client("reader").get("/mon-travail/?filter=documents").content.decode()
    assert "Nouvelle version" in page
    assert world.document.name in page

    with world.enter():
        services.set_folder_right(
            membership=world.membership("editor"),
            folder=world.folder,
            user_id=reader.pk,
            role="none",
        )
    assert [i for i in my_work(reader) if i.kind == DOCUMENT] == []
    closed, counts = work_page(reader, key="documents")  # left out of the counts and the pages
    assert (counts["documents"], list(closed)) == (0, [])
