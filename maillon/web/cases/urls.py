from django.urls import path

from maillon.web.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.queues_view, name="queues"),
    path("nouveau/", views.case_open_view, name="open"),
    path("<int:pk>/", views.case_view, name="detail"),
    path("<int:pk>/message/", views.message_view, name="message"),
    path("<int:pk>/note/", views.note_view, name="note"),
    path("<int:pk>/traiter/", views.answer_view, name="answer"),
    path("<int:pk>/clore/", views.close_view, name="close"),
    path("<int:pk>/reorienter/", views.reroute_view, name="reroute"),
    path("<int:pk>/pieces/<int:attachment_pk>/", views.attachment_view, name="attachment"),
]
