"""Đặt phòng họp: a small relying party that signs people in with VCNET (OpenID Connect).

It is deliberately outside the `vcnet` package and uses only a standard client library
(authlib's Flask client), so it shows what any other application has to do to join VCNET's
single sign-on: discovery, authorization code with PKCE, userinfo, RP-initiated logout and
back-channel logout. See README.md.
"""
