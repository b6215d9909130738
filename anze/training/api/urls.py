"""Training API, included under /api/ with the namespace "api"."""

from rest_framework.routers import SimpleRouter

from anze.training.api import views

router = SimpleRouter()
router.register("training/banks", views.BankViewSet, basename="training-bank")
router.register("training/sittings", views.SittingViewSet, basename="training-sitting")
router.register("training/attempts", views.AttemptViewSet, basename="training-attempt")
router.register("training/questions", views.QuestionViewSet, basename="training-question")
router.register("training/my-exams", views.MyExamViewSet, basename="training-my-exam")
router.register("training/exams", views.ExamViewSet, basename="training-exam")
router.register("training/certificates", views.CertificateViewSet, basename="training-certificate")

urlpatterns = router.urls
