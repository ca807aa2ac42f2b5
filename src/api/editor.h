/* The editor's JSON endpoints (docs/api.md, "Editor"): what static/kindred.js calls while an
 * author writes. Each is also reachable by any API client with a session and the CSRF token. */
#ifndef KD_API_EDITOR_H
#define KD_API_EDITOR_H

struct request;

/* POST /api/v1/editor/preview (body): the text rendered by the server's own renderer. */
int api_editor_preview(struct request *req);
/* POST /api/v1/editor/images (multipart: image, alt): an image for the text, and its
 * Markdown. */
int api_editor_image(struct request *req);
/* PUT /api/v1/editor/autosave (newsletter, episode, title, subtitle, body): keeps what is
 * being written. */
int api_editor_autosave(struct request *req);

#endif
