"""The StreamField blocks shared by the library's pages.

Each block names its template (templates/blocks/), its icon and a preview value for
the admin's block picker. Nothing here embeds a third-party player or script: videos
are uploaded MP4 documents, offered as downloads.
"""

from __future__ import annotations

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

#: The rich-text features editors get: headings, emphasis, lists and links. No
#: embeds, no inline images (use the image block, which requires alt text).
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class RichTextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        template = "blocks/rich_text.html"
        icon = "pilcrow"
        label = "Text"
        preview_value = (
            "<p>A genogram is a family tree that shows relationships as well as names and dates.</p>"
        )
        description = "Paragraphs, headings, lists and links."


class DocumentDownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(help_text="PDF, DOCX, PPTX, XLSX, ODT, PNG, JPEG or MP4.")
    title = blocks.CharBlock(
        required=False, max_length=120, help_text="Leave blank to use the document's own title."
    )
    description = blocks.TextBlock(required=False, max_length=300)

    class Meta:
        template = "blocks/document_download.html"
        icon = "doc-full"
        label = "Document download"
        preview_value = {"title": "Genogram template", "description": "A blank page with the symbols key."}
        description = "A file to download, with its type and size shown."


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        help_text="Describe what the image shows for someone who cannot see it. Required.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        template = "blocks/image.html"
        icon = "image"
        label = "Image"
        preview_value = {"alt_text": "A three-generation genogram", "caption": "An example genogram"}
        description = "An image with alt text (required) and an optional caption."


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=600)
    attribution = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        template = "blocks/quote.html"
        icon = "openquote"
        label = "Quote"
        preview_value = {
            "quote": "Drawing it together, the family saw the pattern before I said a word.",
            "attribution": "A keyworker",
        }


class CalloutBlock(blocks.StructBlock):
    style = blocks.ChoiceBlock(
        choices=[("info", "Good to know"), ("important", "Important"), ("tip", "Tip")], default="info"
    )
    heading = blocks.CharBlock(required=False, max_length=120)
    text = RichTextBlock()

    class Meta:
        template = "blocks/callout.html"
        icon = "warning"
        label = "Call-out"
        preview_value = {
            "style": "important",
            "heading": "Ask first",
            "text": "<p>Ask the family's permission before you draw or keep a genogram.</p>",
        }


class TryThisBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, default="Try this with a family")
    introduction = RichTextBlock(required=False)
    steps = blocks.ListBlock(blocks.CharBlock(max_length=400, label="Step"), min_num=1)
    reflect = blocks.TextBlock(
        required=False, max_length=600, help_text="A question for the keyworker to reflect on afterwards."
    )

    class Meta:
        template = "blocks/try_this.html"
        icon = "group"
        label = "Try this with a family"
        preview_value = {
            "title": "Try this with a family",
            "steps": [
                "Ask who is in the family, and who else matters to them.",
                "Draw as they talk, and show them the drawing.",
            ],
            "reflect": "What surprised you about who they included?",
        }


class RelatedResourcesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Related resources")
    pages = blocks.ListBlock(blocks.PageChooserBlock(page_type="resources.ResourcePage"), min_num=1)

    class Meta:
        template = "blocks/related_resources.html"
        icon = "link"
        label = "Related resources"
        preview_value = {"heading": "Related resources", "pages": []}
        description = "Links to other library pages (each reader sees only those they may open)."


def body_blocks() -> list[tuple[str, blocks.Block]]:
    """The blocks every body field offers, fresh instances each time."""
    return [
        ("text", RichTextBlock()),
        ("download", DocumentDownloadBlock()),
        ("image", ImageBlock()),
        ("quote", QuoteBlock()),
        ("callout", CalloutBlock()),
        ("try_this", TryThisBlock()),
        ("related", RelatedResourcesBlock()),
    ]


def download_blocks() -> list[tuple[str, blocks.Block]]:
    """For fields that hold only files to download (slides, handouts, templates)."""
    return [("download", DocumentDownloadBlock())]


class StepBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = RichTextBlock()

    class Meta:
        template = "blocks/step.html"
        icon = "list-ol"
        label = "Step"
        preview_value = {
            "heading": "Start with the person in front of you",
            "text": "<p>Draw them first, then ask who lives with them.</p>",
        }


def step_blocks() -> list[tuple[str, blocks.Block]]:
    return [("step", StepBlock()), ("callout", CalloutBlock()), ("image", ImageBlock())]
