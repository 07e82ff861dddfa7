from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.start, name="start"),
    path("remembered/", views.remembered, name="remembered"),
    path("remembered/<int:memory_pk>/forget/", views.forget, name="forget"),
    path("<int:pk>/", views.wizard, name="wizard"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/match/", views.match, name="match"),
    path("<int:pk>/undo/", views.undo, name="undo"),
    path("<int:pk>/unmatched.csv", views.unmatched_csv, name="unmatched_csv"),
    path("<int:pk>/items/<int:item_pk>/add/", views.add, name="add"),
    path("<int:pk>/items/<int:item_pk>/skip/", views.skip, name="skip"),
    path("<int:pk>/items/<int:item_pk>/review-again/", views.review_again, name="review_again"),
    path("<int:pk>/items/<int:item_pk>/search/", views.item_search, name="item_search"),
]
