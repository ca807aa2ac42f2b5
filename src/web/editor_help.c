/* The Markdown help panel beside the editor (web/editor_help.h). */
#include "web/editor_help.h"
#include "core/i18n.h"
#include "http/html.h"
#include "web/render.h"

struct help_row {
        const char *typed;  /* literal Markdown, the same in every language */
        const char *result; /* msgid */
};

/* One shortcut: Ctrl (⌘ on a Mac) with key, and what it does. */
static void shortcut(struct render *r, const char *key, const char *what)
{
        struct buf *b = r->out;
        html_lit(b, "<li><kbd>");
        /* TRANSLATORS: the Control key as printed on keyboards in your language ("Strg") */
        html_text(b, _("Ctrl"));
        html_lit(b, "</kbd>+<kbd>");
        html_text(b, key);
        html_lit(b, "</kbd> (<kbd>⌘</kbd>+<kbd>");
        html_text(b, key);
        html_lit(b, "</kbd>): ");
        html_text(b, what);
        html_lit(b, "</li>\n");
}

void editor_markdown_help(struct render *r)
{
        struct buf *b = r->out;
        const struct help_row rows[] = {
            {"## Heading", N_("A section heading (### for a smaller one)")},
            {"**bold** *italic*", N_("Bold and italic text")},
            {"[words](https://example.org)", N_("A link")},
            {"> quoted text", N_("A quotation")},
            {"- item", N_("A bulleted list (1. for a numbered one)")},
            {"`code`", N_("Code in a sentence; a line of ``` above and below for a block")},
            {"| a | b |\n|---|---|\n| 1 | 2 |", N_("A table")},
            {"~~gone~~", N_("Struck-through text")},
            {"![A red kite over the hill](/media/…)",
             N_("An image with its alt text: use “Add an image to the text”, paste or drop one")},
        };
        html_lit(b, "<details class=\"markdown-help\" id=\"markdown-help\"><summary>");
        html_text(b, _("Markdown help and shortcuts"));
        html_lit(b, "</summary>\n<table>\n<thead><tr><th scope=\"col\">");
        html_text(b, _("You type"));
        html_lit(b, "</th><th scope=\"col\">");
        html_text(b, _("Readers see"));
        html_lit(b, "</th></tr></thead>\n<tbody>\n");
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                html_lit(b, "<tr><td><code>");
                html_text(b, rows[i].typed);
                html_lit(b, "</code></td><td>");
                html_text(b, _(rows[i].result));
                html_lit(b, "</td></tr>\n");
        }
        html_lit(b, "</tbody>\n</table>\n<p>");
        html_text(b, _("HTML is shown as text. Every image needs alt text and must be uploaded "
                       "here: images from other sites are refused, because readers' browsers "
                       "would not show them."));
        /* Not a heading: the panel sits among the form's fields, under the page's h1. */
        html_lit(b, "</p>\n<p class=\"help-subhead\"><strong>");
        html_text(b, _("Keyboard shortcuts (with JavaScript)"));
        html_lit(b, "</strong></p>\n<ul>\n");
        shortcut(r, "S", _("save (a draft stays a draft; a published episode is updated)"));
        shortcut(r, "P", _("show or hide the live preview beside the text"));
        html_lit(b, "</ul>\n</details>\n");
}
