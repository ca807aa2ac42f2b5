/* The editor's autosave, as the page shows it: the offer to restore what the script kept
 * while the author typed (when it is newer than the episode), and discarding it. The saving
 * itself is the script's, through PUT /api/v1/editor/autosave (api/editor.c). */
#ifndef KD_WEB_EDITOR_AUTOSAVE_H
#define KD_WEB_EDITOR_AUTOSAVE_H

#include <stdbool.h>
#include <stdint.h>

struct autosave;
struct episode;
struct newsletter;
struct render;
struct request;

/* Loads the viewer's kept copy for the episode (existing NULL: a new one in newsletter_id).
 * True when there is one worth offering: newer than the episode's last save. */
bool editor_autosave_load(struct request *req, int64_t newsletter_id,
                          const struct episode *existing, struct autosave *out);

/* The notice above the form: when the copy was kept, a link to restore it, a button to
 * discard it. */
void editor_autosave_notice(struct render *r, const struct newsletter *n,
                            const struct episode *existing, const struct autosave *a);

/* POST /write/autosave/discard (newsletter, episode): drops the copy, back to the editor. */
int web_write_autosave_discard(struct request *req);

#endif
