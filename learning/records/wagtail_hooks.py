"""Wagtail admin: the training report and reporting API tokens under Reports."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from learning.records import admin_views


class TrainingReportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.user_can_view_training_report(request.user)


class ReportingTokensMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.ReportingTokensView().user_allowed(request.user)


@hooks.register("register_admin_urls")
def register_training_report_urls():
    return [
        path(
            "reports/training/",
            admin_views.TrainingReportView.as_view(),
            name="records_training_report",
        ),
        path(
            "reports/training/records/",
            admin_views.TrainingReportRecordsView.as_view(),
            name="records_training_report_records",
        ),
        path(
            "reports/training/tokens/",
            admin_views.ReportingTokensView.as_view(),
            name="records_reporting_tokens",
        ),
        path(
            "reports/training/tokens/<int:token_id>/revoke/",
            admin_views.ReportingTokenRevokeView.as_view(),
            name="records_reporting_token_revoke",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_training_report_menu_item():
    return TrainingReportMenuItem(
        _("Training report"),
        reverse("records_training_report"),
        name="training-report",
        icon_name="table",
        order=100,
    )


@hooks.register("register_reports_menu_item")
def register_reporting_tokens_menu_item():
    return ReportingTokensMenuItem(
        _("Reporting API tokens"),
        reverse("records_reporting_tokens"),
        name="reporting-tokens",
        icon_name="key",
        order=101,
    )
