from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "regions")
    filter_horizontal = ("regions", "groups", "user_permissions")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Role and regions"), {"fields": ("role", "regions", "digest_frequency", "language")}),
    )
