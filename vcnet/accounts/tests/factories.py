"""factory_boy factories for people and units, with Vietnamese data."""

from __future__ import annotations

import factory

from vcnet.accounts.models import Membership, Role, Unit, UnitLevel, User

TEST_PASSWORD = "Mật-khẩu-thử-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    full_name = factory.Iterator(
        ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Đỗ Minh Đức"]
    )
    email = factory.Sequence(lambda n: f"nguoidung{n}@vcnet.test")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @classmethod
    def _after_postgeneration(
        cls, instance: User, create: bool, results: dict | None = None
    ) -> None:
        if create:
            instance.save()


class UnitLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitLevel
        django_get_or_create = ("code",)

    code = "trung-uong"
    name = "Trung ương"
    rank = 0


class UnitFactory(factory.django.DjangoModelFactory):
    """Builds units through the real service so the tree path is right."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"don-vi-{n}")
    short_name = factory.Sequence(lambda n: f"DV{n}")
    name = factory.Sequence(lambda n: f"Ban Tuyên giáo số {n}")
    level = factory.SubFactory(UnitLevelFactory)
    parent = None

    @classmethod
    def _create(cls, model_class: type[Unit], *args: object, **kwargs: object) -> Unit:
        from vcnet.accounts.services import unit_create

        return unit_create(actor=None, **kwargs)  # type: ignore[arg-type]


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.OFFICIAL
