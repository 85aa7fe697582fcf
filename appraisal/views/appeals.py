"""Appeals: HR's list of appeals with their deadlines, and the page where an appeal is decided."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views import View


class AppealListView(LoginRequiredMixin, View):
    def get(self, request):
        raise Http404  # built next


class AppealDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        raise Http404  # built next
