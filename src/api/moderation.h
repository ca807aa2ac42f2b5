/* JSON API for moderation over every kind of member-written item (model/item.h): reporting an
 * item, and hiding or restoring it. The same actions and rules as the pages. */
#ifndef KD_API_MODERATION_H
#define KD_API_MODERATION_H

struct request;

int api_report_post(struct request *req); /* POST /api/v1/reports */
int api_item_hidden(struct request *req); /* POST /api/v1/items/$target/#id/hidden */

#endif
