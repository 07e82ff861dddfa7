from django.urls import path

from rankings import views

urlpatterns = [
    path("find/", views.find, name="find"),
    path("rate/", views.rate, name="rate"),
    path("rankings/", views.ranking_list, name="ranking_list"),
    path("rankings/export.csv", views.export_csv, name="export_csv"),
    path("rankings/letterboxd.zip", views.export_letterboxd, name="export_letterboxd"),
    path("rankings/delete-all/", views.delete_all, name="delete_all"),
    path("rankings/<int:ranking_id>/rating/", views.change_rating, name="change_rating"),
    path("rankings/<int:ranking_id>/delete/", views.delete_ranking, name="delete_ranking"),
]
