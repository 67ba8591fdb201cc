"""The resource library: Wagtail's pages at /resources/ (one sample per audience),
document downloads, and the library's own views at /library/."""

from __future__ import annotations

from tests.access_table import EVERYONE, IFT, TREATMENT, Mount, Url

PRACTITIONER = {"t_practitioner"}
LIBRARY = TREATMENT | IFT


def _page(audience: str):
    return lambda w: w.extra["resources"][audience].url


RULES = [
    # Wagtail serves the library's pages; each asks hub/access.py in `serve`.
    Url("wagtail_serve", "/resources/", LIBRARY, treatment=True),
    Url("wagtail_serve", _page("treatment"), LIBRARY, treatment=True),
    # Champions only: champions are decided by the champions app; practitioners support them.
    Url("wagtail_serve", _page("champions"), IFT | PRACTITIONER, treatment=True),
    Url("wagtail_serve", _page("practitioners"), IFT | PRACTITIONER, treatment=True),
    Url("wagtail_serve", _page("ift"), IFT, treatment=True),
    # Everyone in the hub, but control LAs only after the pilot (the matrix runs during it).
    Url("wagtail_serve", _page("everyone"), LIBRARY, treatment=True),
    Url("wagtail_serve", "/no-such-page/", set(), denied_status=404, anon_status=404),
    Url("wagtail_serve", "/resources/no-such-page/", set(), denied_status=404, anon_status=404),
    # Wagtail's page-privacy helpers: the hub restricts pages through access.py instead,
    # so these forms have nothing to unlock.
    # Wagtail's password-only sign-in form is replaced by a redirect to the hub's.
    Url("frontend_login", "/_util/login/", EVERYONE, ok_status=302),
    Url("wagtailcore_login", "/_util/login/", EVERYONE, ok_status=302),
    Url(
        "wagtailcore_authenticate_with_password",
        "/_util/authenticate_with_password/999/999/",
        set(),
        denied_status=404,
        anon_status=404,
    ),
    # The library's own views.
    Url("resources_saved", "/library/saved/", LIBRARY, treatment=True),
    Url(
        "resources_save",
        lambda w: f"/library/saved/{w.extra['resources']['treatment'].pk}/",
        LIBRARY,
        ok_status=405,
        treatment=True,
    ),
    Url(
        "resources_image",
        lambda w: f"/library/images/{w.extra['resources_image'].pk}/width-400/",
        LIBRARY,
        treatment=True,
    ),
    # A size of that image Wagtail made (as its admin does), at the address Wagtail gives it.
    Url("resources_rendition", lambda w: w.extra["resources_rendition"], LIBRARY, treatment=True),
    Url(
        "resources_rendition",
        "/media/images/no-such-image.png",
        set(),
        status={r: 404 for r in LIBRARY},
    ),
]

MOUNTS = [
    # Wagtail's document view, which asks hub/access.py through the before_serve_document hook.
    Mount(
        "documents/",
        [
            Url("wagtaildocs_serve", lambda w: w.extra["resources_document"].url, LIBRARY, treatment=True),
            Url(
                "wagtaildocs_serve",
                "/documents/999999/missing.pdf",
                set(),
                denied_status=404,
                anon_status=404,
            ),
        ],
    ),
]


def build(world):
    from tests.resources import helpers

    index = helpers.library()
    world.extra["resources_document"] = helpers.document()
    world.extra["resources_image"] = helpers.image()
    pages = helpers.one_of_each_audience(index, template=world.extra["resources_document"])
    # The image is used on the treatment tool page.
    helpers.tool(index, title="Ecomaps", picture=world.extra["resources_image"])
    world.extra["resources_rendition"] = world.extra["resources_image"].get_rendition("max-165x165").url
    world.extra["resources"] = pages
