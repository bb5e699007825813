from django.contrib import admin

from .models import AnnualResult, IndicatorMonth, Region, RegionAttribute, RuleSet


class RegionAttributeInline(admin.TabularInline):
    model = RegionAttribute
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "reports_to", "is_project_region")
    list_filter = ("level", "is_project_region")
    search_fields = ("code", "name", "name_en")
    inlines = [RegionAttributeInline]


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ("name", "effective_from", "title_zh", "created_at")
    search_fields = ("name", "title_zh", "title_en")


@admin.register(IndicatorMonth)
class IndicatorMonthAdmin(admin.ModelAdmin):
    list_display = ("region", "year", "month", "tier", "published_at")
    list_filter = ("tier", "year", "region")


@admin.register(AnnualResult)
class AnnualResultAdmin(admin.ModelAdmin):
    list_display = ("region", "year", "dual_control_met", "pollutant_met", "recorded_at")
    list_filter = ("year",)
