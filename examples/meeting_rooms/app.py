"""The Flask application: sign-in with VCNET, today's bookings, booking a slot, sign-out.

Routes:
  GET  /                    today's rooms and bookings (signs in through VCNET when needed)
  POST /bookings            book a slot
  GET  /login               start the OpenID Connect authorization code flow (PKCE S256)
  GET  /callback            the redirect URI registered at VCNET
  POST /logout              end the session here, then RP-initiated logout at VCNET
  POST /backchannel-logout  VCNET's logout token (OpenID Connect Back-Channel Logout 1.0)
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import time
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, Response, abort, g, jsonify, redirect, render_template, request, session
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

from examples.meeting_rooms.config import Config
from examples.meeting_rooms.store import ROOMS, BookingError, Store

log = logging.getLogger("meeting_rooms")

TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
SCOPE = "openid profile email units"
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LEEWAY = 60  # seconds of clock difference tolerated on iat/exp
ROLE_NAMES = {
    "leader": "Lãnh đạo",
    "clerk": "Văn thư",
    "official": "Chuyên viên",
    "unit_admin": "Quản trị đơn vị",
}


class LogoutTokenError(ValueError):
    """A logout token that must be refused; the message goes back in the 400 answer."""


class Provider:
    """What the example knows about VCNET: its discovery document and its signing keys."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._metadata: dict[str, Any] | None = None
        self._jwks: dict[str, Any] | None = None
        self._jwks_at = 0.0

    def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            answer = requests.get(self.config.metadata_url, timeout=10)
            answer.raise_for_status()
            self._metadata = answer.json()
        return self._metadata

    def jwks(self, *, refresh: bool = False) -> Any:
        # Refetched at most every 10 s on request, so a rotated key is picked up at once.
        if self._jwks is None or (refresh and time.monotonic() - self._jwks_at > 10):
            answer = requests.get(self.metadata()["jwks_uri"], timeout=10)
            answer.raise_for_status()
            self._jwks, self._jwks_at = answer.json(), time.monotonic()
        return self._jwks

    def logout_claims(self, token: str) -> dict[str, Any]:
        """Verify a back-channel logout token and return its claims (or raise LogoutTokenError)."""
        try:
            extract_compact(token.encode())  # refuse what is not a JWS before fetching keys
        except JoseError as exc:
            raise LogoutTokenError(f"The logout token is not a signed JWT: {exc}") from None
        try:
            try:
                verified = jwt.decode(
                    token, KeySet.import_key_set(self.jwks()), algorithms=["RS256"]
                )
            except InvalidKeyIdError:
                # Signed with a key published since we fetched the set: fetch it again.
                keys = KeySet.import_key_set(self.jwks(refresh=True))
                verified = jwt.decode(token, keys, algorithms=["RS256"])
            claims = dict(verified.claims)
            jwt.JWTClaimsRegistry(leeway=LEEWAY, iat={"essential": True}).validate(claims)
        except (JoseError, ValueError) as exc:
            raise LogoutTokenError(f"The logout token cannot be verified: {exc}") from None
        if claims.get("iss") != self.metadata()["issuer"]:
            raise LogoutTokenError("The logout token comes from another issuer.")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.config.client_id not in audiences:
            raise LogoutTokenError("The logout token is not meant for this application.")
        events = claims.get("events")
        if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_EVENT), dict):
            raise LogoutTokenError("The logout token has no back-channel logout event.")
        if "nonce" in claims:
            raise LogoutTokenError("A logout token must not carry a nonce.")
        if not claims.get("sub") and not claims.get("sid"):
            raise LogoutTokenError("The logout token names neither a subject nor a session.")
        return claims


def unit_lines(units: list[Any], roles: list[Any]) -> list[str]:
    """'Ban Tuyên giáo … (Lãnh đạo)' for each unit in the `units` claim, with its roles."""
    by_code: dict[str, list[str]] = {}
    for item in roles:
        code, _sep, role = str(item).rpartition(":")
        by_code.setdefault(code, []).append(ROLE_NAMES.get(role, role))
    lines = []
    for unit in units:
        if isinstance(unit, dict):
            name = str(unit.get("name") or unit.get("short_name") or unit.get("code") or "")
            held = by_code.get(str(unit.get("code", "")), [])
        else:
            name, held = str(unit), []
        lines.append(f"{name} ({', '.join(held)})" if held else name)
    return lines


def today() -> dt.date:
    return dt.datetime.now(TIME_ZONE).date()


def create_app(config: Config) -> Flask:
    """The example application for `config` (see config.py)."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_NAME="meeting_rooms_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.base_url.startswith("https://"),
    )
    store = Store(config.database)
    provider = Provider(config)
    oauth = OAuth(app)
    oauth.register(
        "vcnet",
        client_id=config.client_id,
        client_secret=config.client_secret,
        server_metadata_url=config.metadata_url,
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256"},
    )
    vcnet = oauth.create_client("vcnet")
    app.extensions["meeting_rooms"] = {"store": store, "provider": provider, "config": config}

    @app.before_request
    def load_session() -> None:
        session_id = session.get("rp")
        g.person = store.session_get(session_id) if session_id else None
        if session_id and g.person is None:
            # Ended by a back-channel logout (or signed out here in another tab).
            session.pop("rp", None)
            session["ended"] = True

    @app.after_request
    def no_cache(response: Response) -> Response:
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    def check_csrf() -> None:
        sent = request.form.get("csrf", "")
        if g.person is None or not hmac.compare_digest(sent.encode(), g.person.csrf.encode()):
            abort(400, "Phiên làm việc đã hết hạn. Hãy tải lại trang và thử lại.")

    def render_home(
        *, error: str = "", form: dict[str, str] | None = None, status: int = 200
    ) -> Any:
        day = today()
        bookings = store.bookings_for(day)
        return (
            render_template(
                "index.html",
                person=g.person,
                units=unit_lines(g.person.units, session.get("roles", [])),
                rooms=ROOMS,
                busy={room: [b for b in bookings if b.room == room] for room, _name in ROOMS},
                bookings=bookings,
                day=day,
                error=error,
                form=form or {},
                notice=session.pop("notice", ""),
            ),
            status,
        )

    @app.get("/")
    def home() -> Any:
        if g.person is None:
            if session.get("ended") or session.get("signed_out"):
                return render_template("signed_out.html", ended=session.get("ended", False))
            return redirect("/login")
        return render_home()

    @app.post("/bookings")
    def book() -> Any:
        if g.person is None:
            return redirect("/")
        check_csrf()
        form = {k: request.form.get(k, "") for k in ("room", "starts", "ends", "title")}
        try:
            booking = store.booking_create(session=g.person, day=today(), **form)
        except BookingError as exc:
            return render_home(error=str(exc), form=form, status=400)
        session["notice"] = f"Đã đặt {booking.room_name} từ {booking.starts} đến {booking.ends}."
        return redirect("/", code=303)

    @app.get("/login")
    def login() -> Any:
        session.pop("signed_out", None)
        session.pop("ended", None)
        return vcnet.authorize_redirect(f"{config.base_url}/callback")

    @app.get("/callback")
    def callback() -> Any:
        try:
            token = vcnet.authorize_access_token()
            claims = token.get("userinfo") or {}
            info = dict(vcnet.userinfo(token=token))
        except (OAuthError, requests.RequestException) as exc:
            log.warning("sign-in through VCNET failed: %s", exc)
            return render_template("error.html", message=str(exc)), 400
        if info.get("sub") != claims.get("sub"):
            return render_template("error.html", message="userinfo sub mismatch"), 400
        person = store.session_create(
            sub=str(claims["sub"]),
            sid=str(claims.get("sid", "")),
            name=str(info.get("name") or claims.get("name") or info.get("email") or claims["sub"]),
            email=str(info.get("email") or ""),
            units=list(info.get("units") or []),
            id_token=str(token.get("id_token", "")),
        )
        session.clear()
        session["rp"] = person.id
        session["roles"] = list(info.get("roles") or [])
        return redirect("/")

    @app.post("/logout")
    def logout() -> Any:
        person = g.person
        if person is not None:
            check_csrf()
            store.session_delete(person.id)
        session.clear()
        session["signed_out"] = True
        end_session = provider.metadata().get("end_session_endpoint")
        if not end_session:
            return redirect("/")
        query = {"client_id": config.client_id, "post_logout_redirect_uri": f"{config.base_url}/"}
        if person is not None and person.id_token:
            query["id_token_hint"] = person.id_token
        return redirect(f"{end_session}?{urlencode(query)}")

    @app.post("/backchannel-logout")
    def backchannel_logout() -> Any:
        token = request.form.get("logout_token", "")
        if not token:
            return jsonify(error="invalid_request", error_description="No logout_token."), 400
        try:
            claims = provider.logout_claims(token)
        except LogoutTokenError as exc:
            log.warning("back-channel logout refused: %s", exc)
            return jsonify(error="invalid_request", error_description=str(exc)), 400
        except requests.RequestException as exc:
            log.warning("back-channel logout: VCNET's keys cannot be fetched: %s", exc)
            return jsonify(error="temporarily_unavailable"), 503
        if claims.get("jti") and store.logout_token_seen(str(claims["jti"])):
            return jsonify(error="invalid_request", error_description="Token replayed."), 400
        ended = store.sessions_end(sub=claims.get("sub"), sid=claims.get("sid"))
        log.info("back-channel logout: %d session(s) ended", ended)
        return Response(status=200, headers={"Cache-Control": "no-store"})

    return app
