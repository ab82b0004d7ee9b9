"""StreamField blocks for lessons and quizzes; every learner-facing text translates."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class QuestionKind:
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    CHOICES = [
        (SINGLE, _("Single choice")),
        (MULTIPLE, _("Multiple choice")),
        (TRUE_FALSE, _("True / false")),
    ]


class AnswerBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer"))
    correct = blocks.BooleanBlock(label=_("correct"), required=False)
    feedback = blocks.TextBlock(
        label=_("feedback shown after answering"), required=False
    )

    class Meta:
        icon = "tick"
        label = _("Answer")


class QuestionBlock(blocks.StructBlock):
    """One question; true/false is a single choice with two answers the editor words."""

    kind = blocks.ChoiceBlock(
        choices=QuestionKind.CHOICES, default=QuestionKind.SINGLE, label=_("type")
    )
    prompt = blocks.TextBlock(label=_("question"))
    answers = blocks.ListBlock(AnswerBlock(), min_num=2, label=_("answers"))

    class Meta:
        icon = "help"
        label = _("Question")
        template = "courses/blocks/question.html"

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for answer in value["answers"] if answer["correct"])
        if correct == 0:
            raise ValidationError(_("Mark at least one answer as correct."))
        if value["kind"] != QuestionKind.MULTIPLE and correct != 1:
            raise ValidationError(_("This type of question has one correct answer."))
        if value["kind"] == QuestionKind.TRUE_FALSE and len(value["answers"]) != 2:
            raise ValidationError(_("A true/false question has exactly two answers."))
        return value


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[
            ("note", _("Note")),
            ("key", _("Key point")),
            ("warning", _("Warning")),
        ],
        default="note",
        label=_("tone"),
    )
    title = blocks.CharBlock(label=_("title"), required=False)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class VideoBlock(blocks.StructBlock):
    """A video from an embed provider or a platform recording given by its URL."""

    video = EmbedBlock(label=_("video URL"), required=False)
    recording_url = blocks.URLBlock(
        label=_("platform recording URL"),
        required=False,
        help_text=_("A webinar recording on this platform, instead of an embed."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False)
    transcript = blocks.TextBlock(label=_("transcript"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("video") and not value.get("recording_url"):
            raise ValidationError(_("Give an embed URL or a platform recording."))
        return value


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(label=_("alternative text"))
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(label=_("link text"))

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "courses/blocks/document.html"


class KnowledgeCheckBlock(QuestionBlock):
    """An ungraded question inside a lesson; the learner sees feedback at once."""

    class Meta:
        icon = "help"
        label = _("Knowledge check")
        template = "courses/blocks/knowledge_check.html"


class LessonBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"],
        label=_("Text"),
    )
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    knowledge_check = KnowledgeCheckBlock()


class QuizQuestionsBlock(blocks.StreamBlock):
    question = QuestionBlock()
