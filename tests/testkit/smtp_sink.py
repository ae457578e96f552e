"""A real SMTP server for the e-mail tests (aiosmtpd), storing every message raw.

Binds 127.0.0.1 on a free port and prints "PORT <n>"; stores each message as NNNN.eml (the exact
bytes received) followed by NNNN.json (envelope, TLS, authentication). Exits when stdin closes,
so it never outlives the test that started it.

Recipients starting with "odrzuc" get 550, those starting with "pozniej" get 451.
"""

import argparse
import asyncio
import json
import os
import ssl
import sys
import logging
import threading
import warnings

# aiosmtpd 1.4 logs a warning about its own use of Session.login_data on every login, and the
# error-path tests provoke session errors on purpose (an untrusted certificate): keep quiet.
logging.getLogger("mail.log").setLevel(logging.CRITICAL)
# With implicit TLS aiosmtpd cannot see the TLS under AUTH and warns; the connection is TLS.
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")

from aiosmtpd.smtp import SMTP, AuthResult


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("odrzuc"):
            return "550 5.1.1 Mailbox unavailable"
        if address.startswith("pozniej"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.outdir, "%04d" % self.count)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        tls = session.ssl is not None or (
            server.transport is not None
            and server.transport.get_extra_info("ssl_object") is not None
        )
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": tls,
            "authenticated": bool(session.authenticated),
        }
        # Written last and renamed into place: the test waits for the .json.
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 OK"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--mode", choices=["starttls", "tls"], required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--user")
    p.add_argument("--password")
    a = p.parse_args()

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.cert, a.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            a.user is not None
            and auth_data.login == a.user.encode()
            and auth_data.password == a.password.encode()
        )
        # handled=False: aiosmtpd answers 535 itself on failure.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    handler = Sink(a.dir)

    def factory():
        if a.mode == "starttls":
            return SMTP(
                handler,
                hostname="localhost",
                tls_context=ctx,
                require_starttls=True,
                authenticator=authenticator,
                auth_required=a.user is not None,
            )
        return SMTP(
            handler,
            hostname="localhost",
            authenticator=authenticator,
            auth_required=a.user is not None,
            auth_require_tls=False,
        )

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(
            factory, "127.0.0.1", 0, ssl=ctx if a.mode == "tls" else None
        )
    )
    port = server.sockets[0].getsockname()[1]
    print("PORT %d" % port, flush=True)

    def watch_stdin():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    loop.run_forever()


if __name__ == "__main__":
    main()
