import factory
from django.contrib.auth import get_user_model

from rankings.models import Movie, Ranking


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class MovieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Movie

    imdb_id = factory.Sequence(lambda n: f"tt{9000000 + n}")
    title = factory.Sequence(lambda n: f"Film Number {n}")
    year = 1999


class RankingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ranking

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
    rating = 4
