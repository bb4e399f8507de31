"""Moderation's demo, loaded once by `vcnet seed --demo` after the social network's.

Everything goes through the moderation services, as people would do it: the administrator makes
Lê Văn Quế and Trần Ngọc Mai site moderators and a member moderator of the public group; readers
report a false health tip (their reports merge into one case), Quế labels it, its author appeals
and Mai upholds the label. A rumour about free petrol goes viral: a reader's context note is
rated by two camps of demo readers who usually disagree (each with a rating history on other
notes), and the scoring shows it under the post. The Nghệ An page publishes a clarification
naming the two posts that spread the rumour. Two automatic rules catch a loan advert (flag) and
an account-trading post (held for approval). Rate limits are suspended while loading.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.demo import DEMO_PASSWORD, Writer, demo_email
from vcnet.accounts.identifiers import normalize_email
from vcnet.accounts.models import User
from vcnet.core.audit import audit_write
from vcnet.core.models import AuditEntry
from vcnet.core.ratelimit import rate_limits_suspended
from vcnet.moderation.defaults import reasons_ensure
from vcnet.moderation.models import Case, CaseState, Helpfulness, ModeratorScope
from vcnet.social.models import Actor, Group, Post

LOADED_ACTION = "moderation.demo_load"
SOCIAL_LOADED = "social.demo_load"
ADMIN, MODERATOR, SECOND_MODERATOR, GROUP_MODERATOR = "quantri", "quelv", "maitn", "hoanglb"
GROUP_SLUG = "chuyen-doi-so-co-so"
PAGE_HANDLE = "btg_nghean"
CAMP_SIZE = 32  # raters on each side: both camps need ≥ 30 for the bridging score to mean much
RATER_PREFIX = "bandoc"

_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
_MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh")
_GIVEN = (
    "An", "Bảo", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hiếu", "Hoa", "Hùng", "Khánh", "Lan",
    "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tú",
)  # fmt: skip

HEALTH_TIP = (
    "Uống nước chanh nóng mỗi sáng chữa khỏi ung thư, bác sĩ Bệnh viện K đã xác nhận! "
    "Chia sẻ ngay cho người thân."
)
RUMOUR = (
    "Nghe nói từ 1/12 người có tài khoản VNeID mức 2 được phát xăng miễn phí 20 lít mỗi tháng "
    "tại các cây xăng Petrolimex. Ai chưa kích hoạt thì làm nhanh lên! #tinnong"
)
RUMOUR_AGAIN = (
    "Chia sẻ lại: xăng miễn phí cho người có VNeID mức 2 từ 1/12, nhớ mang căn cước khi đi đổ "
    "xăng nhé. #tinnong"
)
LOAN_ADVERT = "Vay tiền nhanh qua app, lãi suất 0% tháng đầu, không cần thế chấp, nhắn tin mình!"
ACCOUNT_TRADE = "Cần mua bán tài khoản VNeID mức 2 giá tốt, giao dịch nhanh, liên hệ qua Zalo."

NOTE_TEXT = (
    "Không có chính sách phát xăng miễn phí nào gắn với tài khoản VNeID. Bộ Công an và "
    "Petrolimex đều đã bác bỏ tin này; đây là chiêu dụ người dùng bấm vào đường link lạ."
)
NOTE_SOURCES = ["https://vneid.gov.vn/thong-bao", "https://www.petrolimex.com.vn/tin-tuc"]
# The other notes readers rate (their histories): one camp likes the first kind, the other camp
# the second; nobody likes the third.
SIDE_A_NOTES = (
    "Bài viết nên nêu rõ số liệu năm trước để người đọc so sánh mức thay đổi.",
    "Thông tin đúng nhưng thiếu thời hạn áp dụng, người dân dễ hiểu nhầm là áp dụng ngay.",
    "Nên bổ sung đầu mối liên hệ ở cấp xã để người dân hỏi thêm.",
    "Con số trong bài là kế hoạch, chưa phải kết quả thực hiện.",
    "Bài chưa nhắc các trường hợp không thuộc diện được hỗ trợ.",
    "Văn bản gốc có thêm điều kiện về hồ sơ mà bài viết chưa nêu.",
)
SIDE_B_NOTES = (
    "Bài viết tóm tắt đúng nội dung văn bản đã ban hành, không gây hiểu lầm.",
    "Số liệu trong bài khớp với báo cáo chính thức được công bố.",
    "Chính sách này đã có hiệu lực; bài viết nêu đúng thời điểm áp dụng.",
    "Hướng dẫn trong bài trùng với hướng dẫn trên Cổng Dịch vụ công quốc gia.",
    "Bài viết trích dẫn đúng phát biểu tại hội nghị.",
    "Nội dung đúng với thông báo của cơ quan có thẩm quyền.",
)
WEAK_NOTES = (
    "Tôi không tin bài này.",
    "Bài này sai, ai cũng biết.",
    "Cần xem lại.",
)
HISTORY_SOURCE = "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"


def moderation_demo_loaded() -> bool:
    return AuditEntry.objects.filter(action=LOADED_ACTION).exists()


def _person(local: str) -> User:
    return User.objects.get(email=normalize_email(demo_email(local)))


def _rater_name(index: int) -> str:
    family = _FAMILY[index % len(_FAMILY)]
    middle = _MIDDLE[(index // len(_FAMILY)) % len(_MIDDLE)]
    given = _GIVEN[(index * 7) % len(_GIVEN)]
    return f"{family} {middle} {given}"


def _seasoned(users: list[User]) -> None:
    """Make the demo's note writers and raters eligible contributors: accounts older than a week
    (their addresses count as verified: seeded accounts have no unverified e-mail record)."""
    weeks_ago = timezone.now() - dt.timedelta(days=60)
    for user in users:
        user.date_joined = weeks_ago
    User.objects.bulk_update(users, ["date_joined"], batch_size=200)


def _raters() -> list[User]:
    """Two camps of demo readers (the first half and the second half of the list)."""
    from vcnet.social.services.actors import actor_for_user

    password = make_password(DEMO_PASSWORD)
    users = [
        User(
            full_name=_rater_name(i),
            email=normalize_email(demo_email(f"{RATER_PREFIX}{i + 1:02d}")),
            password=password,
        )
        for i in range(2 * CAMP_SIZE)
    ]
    User.objects.bulk_create(users)
    created = list(User.objects.filter(email__in=[u.email for u in users]).order_by("email"))
    for user in created:
        audit_write(
            actor=None, action="user.create", obj=user, data={"email": user.email, "source": "demo"}
        )
        actor_for_user(user)
    return created


def _roles() -> None:
    from vcnet.moderation.services import moderator_role_grant

    admin = _person(ADMIN)
    for local in (MODERATOR, SECOND_MODERATOR):
        moderator_role_grant(
            user=admin, target_user_id=_person(local).pk, scope=ModeratorScope.SITE
        )
    group = Group.objects.get(slug=GROUP_SLUG)
    moderator_role_grant(
        user=admin,
        target_user_id=_person(GROUP_MODERATOR).pk,
        scope=ModeratorScope.GROUP,
        group_id=group.pk,
    )


def _open_case(post: Post) -> Case:
    return Case.objects.get(target_key=f"post:{post.pk}", state=CaseState.OPEN)


def _health_tip_case(raters: list[User]) -> dict[str, Any]:
    """Reports merged into one case, a label with a policy reason, an appeal and its decision."""
    from vcnet.moderation.services import (
        action_take,
        appeal_create,
        appeal_decide,
        report_create,
    )
    from vcnet.social.services.posts import post_create

    author = _person("mailt")
    post = post_create(user=author, text=HEALTH_TIP)
    reporters = [
        (_person("khoabv"), "false_information", "Thông tin y tế sai, có thể khiến người bệnh bỏ điều trị."),
        (_person("huyqg"), "false_information", ""),
        (raters[0], "false_information", "Bệnh viện K chưa từng xác nhận điều này."),
        (raters[CAMP_SIZE], "false_information", ""),
        (raters[1], "spam", ""),
        (raters[CAMP_SIZE + 1], "false_information", ""),
    ]  # fmt: skip
    for user, code, text in reporters:
        report_create(user=user, target_kind="post", target_id=post.pk, reason_code=code, text=text)
    case = _open_case(post)
    action = action_take(
        user=_person(MODERATOR),
        case_id=case.pk,
        kind="label",
        policy_code="false_information",
        label_text="Thông tin sức khỏe sai lệch",
        reason=(
            "Bài viết khẳng định nước chanh chữa khỏi ung thư và gán lời xác nhận cho Bệnh viện K, "
            "nhưng không có nguồn nào như vậy. Bài vẫn hiển thị, kèm nhãn để người đọc thận trọng."
        ),
    )
    appeal = appeal_create(
        user=author,
        action_id=action.pk,
        text="Tôi chỉ chia sẻ kinh nghiệm của gia đình, không có ý đưa tin sai.",
    )
    appeal_decide(
        user=_person(SECOND_MODERATOR),
        appeal_id=appeal.pk,
        overturn=False,
        reason=(
            "Kinh nghiệm cá nhân thì được chia sẻ, nhưng bài viết nêu như một sự thật y khoa và "
            "mượn tên bệnh viện. Nhãn được giữ; bạn có thể sửa bài để nói rõ đây là trải nghiệm riêng."
        ),
    )
    return {"post": post, "reports": len(reporters)}


def _rumour_posts(raters: list[User]) -> tuple[Post, Post]:
    """The viral rumour (many reactions and shares) and a second post repeating it."""
    from vcnet.social.services.interactions import post_share, reaction_set
    from vcnet.social.services.posts import post_create

    rumour = post_create(user=_person("huyqg"), text=RUMOUR)
    for index, user in enumerate(raters):
        if index % 2 == 0:
            reaction_set(user=user, post_id=rumour.pk, kind="like")
        if index % 9 == 0:
            post_share(user=user, post_id=rumour.pk)
    again = post_create(user=raters[5], text=RUMOUR_AGAIN)
    return rumour, again


def _notes(rumour: Post, raters: list[User]) -> dict[str, Any]:
    """A context note on the rumour rated helpful by both camps, each rater with a history of
    ratings on other notes (where the camps disagree); then the scoring shows it."""
    from vcnet.moderation.scoring import score_notes
    from vcnet.moderation.services.notes import note_create, note_rate

    writers = [_person(local) for local in ("khoabv", "dungnt", "sennt")]
    _seasoned([*writers, *raters])
    note = note_create(
        user=writers[0],
        post_id=rumour.pk,
        text=NOTE_TEXT,
        sources=NOTE_SOURCES,
        classification="misleading",
    )
    targets = list(
        Post.objects.filter(
            author__kind="page",
            in_reply_to__isnull=True,
            reblog_of__isnull=True,
            visibility="public",
            group__isnull=True,
        ).order_by("id")[: len(SIDE_A_NOTES) + len(SIDE_B_NOTES) + len(WEAK_NOTES)]
    )
    texts = [*SIDE_A_NOTES, *SIDE_B_NOTES, *WEAK_NOTES]
    history = []
    for index, (post, text) in enumerate(zip(targets, texts, strict=False)):
        history.append(
            note_create(
                user=writers[index % len(writers)],
                post_id=post.pk,
                text=text,
                sources=[HISTORY_SOURCE],
                classification="misleading",
            )
        )
    side_a = history[: len(SIDE_A_NOTES)]
    side_b = history[len(SIDE_A_NOTES) : len(SIDE_A_NOTES) + len(SIDE_B_NOTES)]
    weak = history[len(SIDE_A_NOTES) + len(SIDE_B_NOTES) :]
    helpful, somewhat, unhelpful = (
        Helpfulness.HELPFUL,
        Helpfulness.SOMEWHAT,
        Helpfulness.NOT_HELPFUL,
    )
    ratings = 0
    for index, rater in enumerate(raters):
        first_camp = index < CAMP_SIZE
        plan = [(note, helpful if index % 5 else somewhat)]
        plan += [(n, helpful if first_camp else unhelpful) for n in side_a]
        plan += [(n, unhelpful if first_camp else helpful) for n in side_b]
        plan += [(n, unhelpful if index % 4 else somewhat) for n in weak]
        for target, value in plan:
            note_rate(user=rater, note_id=target.pk, helpfulness=value, tags=[])
            ratings += 1
    run = score_notes()
    return {"notes": 1 + len(history), "ratings": ratings, "shown": run.helpful}


def _clarification(rumour: Post, again: Post) -> Any:
    from vcnet.moderation.services.clarifications import clarification_create

    page = Actor.objects.get(handle=PAGE_HANDLE)
    editor = _person("thanhhs")
    return clarification_create(
        user=editor,
        page_id=page.pk,
        title="Không có chuyện phát xăng miễn phí cho người có tài khoản VNeID",
        claim="Từ 1/12, người có tài khoản VNeID mức 2 được phát 20 lít xăng miễn phí mỗi tháng.",
        verdict="false",
        explanation=(
            "Không có văn bản nào của Chính phủ, Bộ Công an hay Bộ Công Thương quy định việc "
            "phát xăng miễn phí gắn với tài khoản định danh điện tử.\n\n"
            "Người dân **không bấm vào đường link lạ** hứa hẹn quà tặng và chỉ kích hoạt VNeID "
            "qua ứng dụng chính thức hoặc tại công an cấp xã."
        ),
        sources=[
            {"url": "https://vneid.gov.vn/thong-bao", "title": "Thông báo của Trung tâm RAR"},
            {"url": "https://moit.gov.vn/tin-tuc", "title": "Bộ Công Thương"},
        ],
        post_ids=[rumour.pk, again.pk],
    )


def _rules(raters: list[User]) -> dict[str, Any]:
    """A flag rule and a hold rule, each caught once by a demo post."""
    from vcnet.moderation.services import rules as rule_services
    from vcnet.social.services.posts import post_create

    moderator = _person(MODERATOR)
    rule_services.rule_create(
        user=moderator,
        name="Quảng cáo cho vay",
        match="keyword",
        pattern="vay tiền nhanh\nlãi suất 0%\nkhông cần thế chấp",
        fields=["post", "comment"],
        outcome="flag",
        reason_code="spam",
        severity=2,
    )
    rule_services.rule_create(
        user=moderator,
        name="Mua bán tài khoản định danh",
        match="keyword",
        pattern="mua bán tài khoản vneid\nbán tài khoản vneid",
        fields=["post", "comment"],
        outcome="hold",
        reason_code="illegal",
        severity=4,
        public_reason="Bài viết nhắc tới mua bán tài khoản định danh, cần người kiểm duyệt xem trước.",
    )
    flagged = post_create(user=raters[7], text=LOAN_ADVERT)
    held = post_create(user=raters[CAMP_SIZE + 7], text=ACCOUNT_TRADE)
    held.refresh_from_db()
    return {"flagged": flagged, "held": held}


def load_demo(stdout: Writer) -> None:
    """Load moderation's demo once; later runs only say that it is there."""
    if moderation_demo_loaded():
        stdout.write(_("The moderation demo is already loaded; nothing was changed.") + "\n")
        return
    if not AuditEntry.objects.filter(action=SOCIAL_LOADED).exists():
        stdout.write(_("Moderation demo skipped: the social network demo is not loaded.") + "\n")
        return
    with rate_limits_suspended(), transaction.atomic():
        reasons_ensure()
        raters = _raters()
        _roles()
        health = _health_tip_case(raters)
        rumour, again = _rumour_posts(raters)
        notes = _notes(rumour, raters)
        clarification = _clarification(rumour, again)
        rules = _rules(raters)
        audit_write(
            actor=None,
            action=LOADED_ACTION,
            data={"raters": len(raters), "notes": notes["notes"], "ratings": notes["ratings"]},
        )
    lines = [
        _("Moderation demo loaded:"),
        _("site moderators %(first)s and %(second)s; %(group)s moderates the group %(slug)s")
        % {
            "first": demo_email(MODERATOR),
            "second": demo_email(SECOND_MODERATOR),
            "group": demo_email(GROUP_MODERATOR),
            "slug": GROUP_SLUG,
        },
        _("%(n)d reports merged into one case, labelled; the author's appeal was decided")
        % {"n": health["reports"]},
        _("%(raters)d readers in two camps gave %(ratings)d ratings to %(notes)d context notes")
        % {"raters": len(raters), "ratings": notes["ratings"], "notes": notes["notes"]},
        _("a clarification: /moderation/clarifications/%(slug)s/") % {"slug": clarification.slug},
        _("the moderation queue holds a flagged post and a post waiting for approval (#%(id)d)")
        % {"id": rules["held"].pk},
    ]
    stdout.write("\n".join([lines[0], *(f"  {line}" for line in lines[1:])]) + "\n")
