/* The editor's Markdown help panel and the keyboard shortcuts it lists. */
#ifndef KD_WEB_EDITOR_HELP_H
#define KD_WEB_EDITOR_HELP_H

struct render;

/* A <details> panel (open and close without JavaScript): what to type for each kind of
 * formatting, how images work here, and the editor's keyboard shortcuts. */
void editor_markdown_help(struct render *r);

#endif
