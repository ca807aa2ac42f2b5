/* Machine-readable views of the site: Atom and JSON Feed (site-wide and per newsletter),
 * sitemap.xml and robots.txt. */
#ifndef KD_WEB_FEEDS_H
#define KD_WEB_FEEDS_H

struct request;

int web_feed_atom(struct request *req);            /* GET /feed.atom */
int web_feed_json(struct request *req);            /* GET /feed.json */
int web_newsletter_feed_atom(struct request *req); /* GET /n/:newsletter/feed.atom */
int web_newsletter_feed_json(struct request *req); /* GET /n/:newsletter/feed.json */
int web_sitemap(struct request *req);              /* GET /sitemap.xml */
int web_robots(struct request *req);               /* GET /robots.txt */

#endif
