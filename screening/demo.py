"""Demo users and data for trying the product (never for production)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import DigestFrequency, Role, User

from .models import Region

DEMO_PASSWORD = "henan-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    region_code: str
    email: str


DEMO_USERS = [
    DemoUser("admin", "系统管理员", Role.ADMIN, "410000", "admin@example.org"),
    DemoUser("province", "省发展改革委审核员", Role.PROVINCIAL_REVIEWER, "410000",
             "province@example.org"),
    DemoUser("observer", "生态环境厅观察员", Role.OBSERVER, "410000", "observer@example.org"),
    DemoUser("zz_agency", "郑州市发展改革委报送员", Role.AGENCY, "410100", "zz-agency@example.org"),
    DemoUser("zz_city", "郑州市审核员", Role.CITY_REVIEWER, "410100", "zz-city@example.org"),
    DemoUser("ly_agency", "洛阳市发展改革委报送员", Role.AGENCY, "410300", "ly-agency@example.org"),
    DemoUser("ly_city", "洛阳市审核员", Role.CITY_REVIEWER, "410300", "ly-city@example.org"),
    DemoUser("gy_agency", "巩义市发展改革委报送员 (省直管)", Role.AGENCY, "410181",
             "gy-agency@example.org"),
    DemoUser("ly_observer", "洛阳市观察员", Role.OBSERVER, "410300", "ly-observer@example.org"),
]


@transaction.atomic
def seed_demo_users() -> list[DemoUser]:
    """Create or reset the demo users (one per role in two cities and the province)."""
    regions = {r.code: r for r in Region.objects.all()}
    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=demo.username)
        user.first_name = demo.full_name
        user.email = demo.email
        user.role = demo.role
        user.is_staff = demo.role == Role.ADMIN
        user.is_superuser = demo.role == Role.ADMIN
        user.digest_frequency = (DigestFrequency.MONTHLY if demo.role == Role.OBSERVER
                                 else DigestFrequency.DAILY)
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.regions.set([regions[demo.region_code]])
    return DEMO_USERS
