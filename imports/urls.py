from django.urls import path

from imports import views

app_name = "imports"
LIST = {"shown_as": "list"}

urlpatterns = [
    path("", views.start, name="start"),
    path("remembered/", views.remembered, name="remembered"),
    path("remembered/<int:memory_pk>/forget/", views.forget, name="forget"),
    path("<int:pk>/", views.wizard, name="wizard"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/match/", views.match, name="match"),
    path("<int:pk>/match/helper/", views.match_helper, name="match_helper"),
    path("<int:pk>/undo/", views.undo, name="undo"),
    path("<int:pk>/unmatched.csv", views.unmatched_csv, name="unmatched_csv"),
    path("<int:pk>/list/", views.review_list, name="review_list"),
    path("<int:pk>/list/add-high/", views.add_all_high, name="add_all_high"),
    path("<int:pk>/list/skip-unmatched/", views.skip_all_unmatched, name="skip_all_unmatched"),
    # The list takes the card's decisions; only what it shows afterwards differs.
    path("<int:pk>/list/undo/", views.undo, LIST, name="list_undo"),
    path("<int:pk>/list/items/<int:item_pk>/rate/", views.add, LIST, name="row_add"),
    path("<int:pk>/list/items/<int:item_pk>/skip/", views.skip, LIST, name="row_skip"),
    path("<int:pk>/list/items/<int:item_pk>/undo/", views.undo_item, LIST, name="row_undo"),
    path("<int:pk>/extras/<int:index>/review/", views.review_extra, name="review_extra"),
    path("<int:pk>/items/<int:item_pk>/add/", views.add, name="add"),
    path("<int:pk>/items/<int:item_pk>/skip/", views.skip, name="skip"),
    path("<int:pk>/items/<int:item_pk>/review-again/", views.review_again, name="review_again"),
    path("<int:pk>/items/<int:item_pk>/search/", views.item_search, name="item_search"),
]
