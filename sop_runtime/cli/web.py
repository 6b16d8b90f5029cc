"""``sop serve``, ``sop password`` and ``sop token``: the web application and its
credentials."""

from __future__ import annotations

from typing import Annotated

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import runtime
from sop_runtime.i18n import tr

token_app = typer.Typer(help="Token API untuk integrasi / API tokens for integrations.",
                        no_args_is_help=True, rich_markup_mode=None)


def serve(
    host: Annotated[str, typer.Option("--host", help="Alamat / address")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port")] = 8000,
    insecure_cookies: Annotated[bool, typer.Option(
        "--insecure-cookies", help="Cookie tanpa tanda Secure, untuk uji coba lewat http di "
        "mesin lain / cookies without the Secure flag, for a trial over plain http from "
        "another machine")] = False,
) -> None:
    """Jalankan aplikasi web dan API / run the web application and API."""
    from sop_runtime.cli.common import require_extra, say

    require_extra("web")
    import uvicorn

    from sop_runtime.web.app import create_app

    _check_address(host, port)
    app = create_app(runtime(), secure_cookies=not insecure_cookies)
    say(tr("sop-runtime di http://{h}:{p}/ (masuk: /masuk, API: /api, dokumentasi: /docs); "
           "Ctrl-C untuk berhenti", "sop-runtime at http://{h}:{p}/ (sign in: /masuk, API: "
           "/api, docs: /docs); Ctrl-C stops it", h=host, p=port))
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _check_address(host: str, port: int) -> None:
    """Exit 2 naming --host or --port when the server could not listen there (a name that
    does not resolve, an address of another machine, a port in use), before it starts."""
    import socket

    from sop_runtime.cli.common import Exit, fail

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
    except (OSError, UnicodeError) as exc:
        fail(tr("--host '{h}' bukan alamat yang dapat dipakai ({e})",
                "--host '{h}' is not an address that can be used ({e})", h=host, e=exc),
             Exit.USAGE)
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            fail(tr("tidak dapat melayani di --host {h} --port {p}: {e}",
                    "cannot serve at --host {h} --port {p}: {e}", h=host, p=port,
                    e=exc.strerror or exc), Exit.USAGE)


def password(actor: opt.Actor) -> None:
    """Tetapkan kata sandi pengguna (dibaca dari terminal) / set a user's password."""
    from sop_runtime.cli.common import say
    from sop_runtime.service import auth

    secret = typer.prompt(tr("Kata sandi baru", "New password"), hide_input=True,
                          confirmation_prompt=True)
    auth.set_password(runtime(), actor, secret)
    say(tr("Kata sandi {u} disimpan (argon2)", "{u}'s password saved (argon2)", u=actor))


@token_app.command("create")
def create(
    actor: opt.Actor,
    label: Annotated[str, typer.Option("--label", metavar="TEXT",
                                       help="Untuk apa / what it is for")] = "integrasi",
) -> None:
    """Buat token API (ditampilkan sekali) / make an API token (shown once)."""
    from sop_runtime.service import auth

    typer.echo(auth.issue_token(runtime(), actor, label))


@token_app.command("revoke")
def revoke(
    actor: opt.Actor,
    label: Annotated[str, typer.Option("--label", metavar="TEXT")],
) -> None:
    """Cabut token API pengguna dengan label ini / revoke a user's tokens with this label."""
    from sop_runtime.cli.common import say
    from sop_runtime.service import auth

    n = auth.revoke(runtime(), actor, label)
    say(tr("{n} token dicabut", "{n} tokens revoked", n=n))
