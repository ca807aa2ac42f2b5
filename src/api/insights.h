/* The insights as JSON and CSV (docs/api.md, "Insights"; formulas in docs/insights.md): the
 * same model/insights.c numbers the pages draw. */
#ifndef KD_API_INSIGHTS_H
#define KD_API_INSIGHTS_H

struct request;

int api_insights_site(struct request *req);   /* GET /api/v1/insights (admins; ?metric=) */
int api_insights(struct request *req);        /* GET /api/v1/insights/$newsletter */
int api_insights_metric(struct request *req); /* GET /api/v1/insights/$newsletter/:metric */

/* Whether name is one of the metrics the API serves ("weeks", "ladder", ...). */
int api_insights_metric_known(const char *name);

#endif
