/* Markdown import: front matter says what a file is (newsletter, season or episode) and where it
 * belongs; the body is its description or text. All files go in one transaction. */
#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "db/db.h"
#include "model/episode.h"
#include "model/image.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "model/season.h"
#include "model/transfer.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { FM_MAX_KEYS = 32 };

struct front_matter {
        const char *file;
        int nkeys;
        const char *keys[FM_MAX_KEYS];
        const char *values[FM_MAX_KEYS];
        int lines[FM_MAX_KEYS];
        const char *body;
        int body_line;
};

static int fail(struct import_report *r, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(struct import_report *r, const char *file, int line, const char *fmt, ...)
{
        char msg[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (line > 0)
                snprintf(r->error, sizeof(r->error), "%s:%d: %s", file, line, msg);
        else
                snprintf(r->error, sizeof(r->error), "%s: %s", file, msg);
        return -1;
}

/* Splits "---\nkey: value\n...\n---\nbody" into keys and the body. */
static int parse_front_matter(struct arena *a, const struct import_file *f, struct front_matter *fm,
                              struct import_report *r)
{
        memset(fm, 0, sizeof(*fm));
        fm->file = f->name;
        if (f->len > KD_MAX_IMPORT_FILE_BYTES)
                return fail(r, f->name, 0, "the file is larger than %d bytes",
                            KD_MAX_IMPORT_FILE_BYTES);
        if (!utf8_valid(f->data, f->len))
                return fail(r, f->name, 0, "the file is not valid UTF-8");
        char *text = arena_strndup(a, f->data, f->len);
        char *p = text;
        int line = 1;
        if (strncmp(p, "---\n", 4) != 0 && strncmp(p, "---\r\n", 5) != 0)
                return fail(r, f->name, 1, "the file must start with a front matter line \"---\"");
        p = strchr(p, '\n') + 1;
        line++;
        for (;;) {
                if (!*p)
                        return fail(r, f->name, line, "the front matter has no closing \"---\"");
                char *eol = strchr(p, '\n');
                char *next = eol ? eol + 1 : p + strlen(p);
                if (eol)
                        *eol = '\0';
                size_t n = strlen(p);
                if (n && p[n - 1] == '\r')
                        p[--n] = '\0';
                if (strcmp(p, "---") == 0) {
                        fm->body = next;
                        fm->body_line = line + 1;
                        return 0;
                }
                if (n > 0) {
                        char *colon = strchr(p, ':');
                        if (!colon || colon == p)
                                return fail(r, f->name, line, "expected \"key: value\"");
                        *colon = '\0';
                        for (char *k = p; *k; k++)
                                if (!((*k >= 'a' && *k <= 'z') || *k == '_'))
                                        return fail(r, f->name, line, "bad key \"%s\"", p);
                        char *v = colon + 1;
                        while (*v == ' ' || *v == '\t')
                                v++;
                        size_t vl = strlen(v);
                        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
                                v[--vl] = '\0';
                        if (fm->nkeys == FM_MAX_KEYS)
                                return fail(r, f->name, line, "too many keys");
                        for (int i = 0; i < fm->nkeys; i++)
                                if (strcmp(fm->keys[i], p) == 0)
                                        return fail(r, f->name, line, "\"%s\" is given twice", p);
                        fm->keys[fm->nkeys] = p;
                        fm->values[fm->nkeys] = v;
                        fm->lines[fm->nkeys] = line;
                        fm->nkeys++;
                }
                p = next;
                line++;
        }
}

static int key_index(const struct front_matter *fm, const char *key)
{
        for (int i = 0; i < fm->nkeys; i++)
                if (strcmp(fm->keys[i], key) == 0)
                        return i;
        return -1;
}

/* The value of key, or def when absent. */
static const char *get(const struct front_matter *fm, const char *key, const char *def)
{
        int i = key_index(fm, key);
        return i < 0 ? def : fm->values[i];
}

static int line_of(const struct front_matter *fm, const char *key)
{
        int i = key_index(fm, key);
        return i < 0 ? 0 : fm->lines[i];
}

static int require(const struct front_matter *fm, const char *key, const char **out,
                   struct import_report *r)
{
        *out = get(fm, key, NULL);
        if (!*out || !**out)
                return fail(r, fm->file, 0, "\"%s\" is missing", key);
        return 0;
}

static int number(const struct front_matter *fm, const char *key, int lo, int hi, int *out,
                  struct import_report *r)
{
        const char *v;
        if (require(fm, key, &v, r))
                return -1;
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || n < lo || n > hi)
                return fail(r, fm->file, line_of(fm, key), "\"%s\" must be a number from %d to %d",
                            key, lo, hi);
        *out = (int)n;
        return 0;
}

static int date(const struct front_matter *fm, const char *key, int64_t *out,
                struct import_report *r)
{
        const char *v = get(fm, key, "");
        if (time_parse_iso8601(v, out) != 0)
                return fail(r, fm->file, line_of(fm, key),
                            "\"%s\" must be a date like 2026-03-03T08:00:00Z", key);
        return 0;
}

static int member_id(struct db *db, struct arena *a, const struct front_matter *fm, const char *key,
                     int64_t *out, struct import_report *r)
{
        const char *handle;
        if (require(fm, key, &handle, r))
                return -1;
        struct member m;
        if (member_find_handle(db, a, handle, &m) != MEMBER_OK)
                return fail(r, fm->file, line_of(fm, key), "there is no member \"%s\"", handle);
        *out = m.id;
        return 0;
}

static int newsletter_id(struct db *db, struct arena *a, const struct front_matter *fm,
                         int64_t *out, struct import_report *r)
{
        const char *slug;
        if (require(fm, "newsletter", &slug, r))
                return -1;
        struct newsletter n;
        if (newsletter_find_slug(db, a, slug, &n) != PUB_OK)
                return fail(r, fm->file, line_of(fm, "newsletter"),
                            "there is no newsletter \"%s\" (newsletter files must come first)",
                            slug);
        *out = n.id;
        return 0;
}

/* A model problem on a field, reported at the line of the key it came from. */
static int problem(struct import_report *r, const struct front_matter *fm,
                   const struct field_problem *p, const char *key)
{
        int line = strcmp(key, "body") == 0 ? fm->body_line : line_of(fm, key);
        return fail(r, fm->file, line, "%s: %s", key, p->message ? p->message : "invalid");
}

static const char *field_key(const char *field)
{
        static const struct {
                const char *field, *key;
        } map[] = {{"coauthors", "authors"},
                   {"description", "body"},
                   {"number", "episode"},
                   {"ai", "ai"},
                   {"publish_at", "date"}};
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
                if (strcmp(map[i].field, field) == 0)
                        return map[i].key;
        return field;
}

static int import_newsletter(struct db *db, struct arena *a, const struct front_matter *fm,
                             struct import_report *r)
{
        int64_t owner;
        const char *slug, *title;
        if (require(fm, "slug", &slug, r) || require(fm, "title", &title, r) ||
            member_id(db, a, fm, "owner", &owner, r))
                return -1;
        struct newsletter_input in = {slug, title, fm->body, get(fm, "authors", "")};
        struct field_problem p = {0};
        int64_t id;
        int rc = newsletter_create(db, &in, owner, &id, &p);
        if (rc == PUB_TAKEN)
                return fail(r, fm->file, line_of(fm, "slug"), "newsletter \"%s\" already exists",
                            slug);
        if (rc == PUB_INVALID)
                return problem(r, fm, &p, field_key(p.field));
        if (rc != PUB_OK)
                return fail(r, fm->file, 0, "the database refused the newsletter");
        r->newsletters++;
        return 0;
}

static int import_season(struct db *db, struct arena *a, const struct front_matter *fm,
                         int64_t shift, struct import_report *r)
{
        int64_t nl;
        struct season_input in = {0};
        if (newsletter_id(db, a, fm, &nl, r) ||
            number(fm, "season", 1, KD_MAX_SEASONS, &in.number, r) ||
            require(fm, "title", &in.title, r))
                return -1;
        in.description = fm->body;
        if (season_cadence_parse(get(fm, "cadence", ""), &in.cadence, &in.cadence_n) != 0)
                return fail(r, fm->file, line_of(fm, "cadence"),
                            "cadence must be like \"weekly on tuesday\", \"every 14 days\" or "
                            "\"irregular\"");
        enum season_status st = SEASON_PLANNED;
        if (season_status_parse(get(fm, "status", "planned"), &st) != 0)
                return fail(r, fm->file, line_of(fm, "status"),
                            "status must be planned, airing, on-break or finished");
        in.status = st;
        if (get(fm, "returns", NULL)) {
                if (date(fm, "returns", &in.returns_at, r))
                        return -1;
                in.returns_at += shift;
        }
        struct field_problem p = {0};
        int64_t id;
        int rc = season_save(db, nl, 0, &in, &id, &p);
        if (rc == PUB_TAKEN)
                return fail(r, fm->file, line_of(fm, "season"), "season %d already exists",
                            in.number);
        if (rc == PUB_INVALID)
                return problem(r, fm, &p,
                               strcmp(p.field, "number") == 0 ? "season" : field_key(p.field));
        if (rc != PUB_OK)
                return fail(r, fm->file, 0, "the database refused the season");
        r->seasons++;
        return 0;
}

static int import_episode(struct db *db, struct arena *a, const char *data_dir,
                          const struct front_matter *fm, int64_t shift, import_read_fn read,
                          void *read_ctx, struct import_report *r)
{
        struct episode_input in = {0};
        if (newsletter_id(db, a, fm, &in.newsletter_id, r) ||
            number(fm, "season", 1, KD_MAX_SEASONS, &in.season_number, r) ||
            number(fm, "episode", 1, KD_MAX_EPISODE_NUMBER, &in.number, r) ||
            require(fm, "title", &in.title, r) ||
            member_id(db, a, fm, "author", &in.author_id, r) || date(fm, "date", &in.publish_at, r))
                return -1;
        in.publish_at += shift;
        in.subtitle = get(fm, "subtitle", "");
        in.slug = get(fm, "slug", "");
        in.body = fm->body;
        in.cover_alt = get(fm, "cover_alt", "");
        in.cover_credit = get(fm, "cover_credit", "");
        in.teaser = get(fm, "teaser", "");
        enum episode_status st;
        if (episode_status_parse(get(fm, "status", "published"), &st) != 0)
                return fail(r, fm->file, line_of(fm, "status"),
                            "status must be draft, scheduled or published");
        in.status = st == EPISODE_DRAFT ? EPISODE_DRAFT : EPISODE_PUBLISHED;
        enum ai_disclosure ai;
        if (ai_disclosure_parse(get(fm, "ai", "none"), &ai) != 0)
                return fail(r, fm->file, line_of(fm, "ai"),
                            "ai must be none, assisted or generated");
        in.ai = ai;
        const char *cover = get(fm, "cover", "");
        if (*cover) {
                if (!*in.cover_alt)
                        return fail(r, fm->file, line_of(fm, "cover"),
                                    "a cover needs cover_alt: describe the image for readers "
                                    "who cannot see it");
                if (strstr(cover, "..") || cover[0] == '/')
                        return fail(r, fm->file, line_of(fm, "cover"),
                                    "cover must be a path inside the import folder");
                struct buf bytes = BUF_INIT;
                if (!read || read(read_ctx, cover, &bytes) != 0) {
                        buf_free(&bytes);
                        return fail(r, fm->file, line_of(fm, "cover"), "cannot read cover \"%s\"",
                                    cover);
                }
                int rc = image_store(db, data_dir, bytes.data, bytes.len, 0, &in.cover_image_id);
                buf_free(&bytes);
                if (rc != IMAGE_OK)
                        return fail(r, fm->file, line_of(fm, "cover"), "cover \"%s\": %s", cover,
                                    image_problem(rc));
                r->images++;
        }
        struct field_problem p = {0};
        int64_t id;
        int rc = episode_save(db, 0, &in, &id, &p);
        if (rc == PUB_TAKEN || rc == PUB_INVALID)
                return problem(r, fm, &p, field_key(p.field));
        if (rc != PUB_OK)
                return fail(r, fm->file, 0, "the database refused the episode");
        /* An imported episode keeps its history: written and last edited when it went out. */
        if (episode_set_times(db, id, in.publish_at, in.publish_at) != PUB_OK)
                return fail(r, fm->file, 0, "the database refused the episode");
        r->episodes++;
        return 0;
}

int import_markdown_files(struct db *db, const char *data_dir, const struct import_file *files,
                          size_t count, import_read_fn read, void *read_ctx, int shift_to_now,
                          struct import_report *r)
{
        memset(r, 0, sizeof(*r));
        if (count > KD_MAX_IMPORT_FILES)
                return fail(r, "import", 0, "more than %d files", KD_MAX_IMPORT_FILES);
        struct arena *a = arena_new();
        struct front_matter *fms = arena_alloc(a, (count ? count : 1) * sizeof(*fms));
        int rc = 0;
        int64_t newest = 0;
        /* Pass 1: every file parses, before anything is written. */
        for (size_t i = 0; i < count && rc == 0; i++) {
                rc = parse_front_matter(a, &files[i], &fms[i], r);
                if (rc == 0 && strcmp(get(&fms[i], "kind", "episode"), "episode") == 0 &&
                    strcmp(get(&fms[i], "status", "published"), "published") == 0) {
                        int64_t t;
                        if (time_parse_iso8601(get(&fms[i], "date", ""), &t) == 0 && t > newest)
                                newest = t;
                }
        }
        int64_t shift = 0;
        if (shift_to_now && newest > 0) {
                int64_t week = 7 * 86400, now = time_now();
                if (now > newest)
                        shift = (now - newest) / week * week;
        }
        if (rc == 0 && db_begin(db) != DB_OK)
                rc = fail(r, "import", 0, "the database is busy");
        else if (rc != 0)
                goto done;
        for (size_t i = 0; i < count && rc == 0; i++) {
                const char *kind = get(&fms[i], "kind", "episode");
                if (strcmp(kind, "newsletter") == 0)
                        rc = import_newsletter(db, a, &fms[i], r);
                else if (strcmp(kind, "season") == 0)
                        rc = import_season(db, a, &fms[i], shift, r);
                else if (strcmp(kind, "episode") == 0)
                        rc = import_episode(db, a, data_dir, &fms[i], shift, read, read_ctx, r);
                else
                        rc = fail(r, fms[i].file, line_of(&fms[i], "kind"),
                                  "kind must be newsletter, season or episode");
        }
        if (rc == 0 && db_commit(db) != DB_OK)
                rc = fail(r, "import", 0, "the database could not save the import");
        if (rc != 0) {
                db_rollback(db);
                r->newsletters = r->seasons = r->episodes = r->images = 0;
        }
done:
        arena_free(a);
        return rc;
}

/* ------------------------------------------------------------------ from a folder */

static int read_whole(const char *path, struct buf *out, size_t limit)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                return -1;
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
                buf_append(out, chunk, n);
                if (out->len > limit) {
                        fclose(f);
                        return -1;
                }
        }
        int err = ferror(f);
        fclose(f);
        return err ? -1 : 0;
}

static int read_relative(void *ctx, const char *relative, struct buf *out)
{
        const char *dir = ctx;
        char path[4096];
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, relative) >= sizeof(path))
                return -1;
        return read_whole(path, out, KD_MAX_IMAGE_BYTES);
}

static int by_name(const void *x, const void *y)
{
        return strcmp(*(char *const *)x, *(char *const *)y);
}

int import_markdown_dir(struct db *db, const char *data_dir, const char *dir,
                        struct import_report *r)
{
        memset(r, 0, sizeof(*r));
        DIR *d = opendir(dir);
        if (!d)
                return fail(r, dir, 0, "cannot open the folder: %s", strerror(errno));
        struct arena *a = arena_new();
        size_t cap = 64, n = 0;
        char **names = arena_alloc(a, cap * sizeof(*names));
        struct dirent *de;
        int rc = 0;
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name);
                if (len < 4 || strcmp(de->d_name + len - 3, ".md") != 0 || de->d_name[0] == '.')
                        continue;
                if (n == KD_MAX_IMPORT_FILES) {
                        rc = fail(r, dir, 0, "more than %d files", KD_MAX_IMPORT_FILES);
                        break;
                }
                if (n == cap) {
                        char **bigger = arena_alloc(a, 2 * cap * sizeof(*names));
                        memcpy(bigger, names, n * sizeof(*names));
                        names = bigger;
                        cap *= 2;
                }
                names[n++] = arena_strdup(a, de->d_name);
        }
        closedir(d);
        if (rc == 0 && n == 0)
                rc = fail(r, dir, 0, "no .md files to import");
        struct import_file *files = arena_alloc(a, (n ? n : 1) * sizeof(*files));
        struct buf *bufs = arena_zalloc(a, (n ? n : 1) * sizeof(*bufs));
        if (rc == 0) {
                qsort(names, n, sizeof(*names), by_name);
                for (size_t i = 0; i < n && rc == 0; i++) {
                        char path[4096];
                        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
                        if (read_whole(path, &bufs[i], KD_MAX_IMPORT_FILE_BYTES) != 0)
                                rc = fail(r, names[i], 0,
                                          "cannot read the file, or it is larger "
                                          "than %d bytes",
                                          KD_MAX_IMPORT_FILE_BYTES);
                        files[i] = (struct import_file){names[i], bufs[i].data ? bufs[i].data : "",
                                                        bufs[i].len};
                }
        }
        if (rc == 0)
                rc =
                    import_markdown_files(db, data_dir, files, n, read_relative, (void *)dir, 0, r);
        for (size_t i = 0; i < n; i++)
                buf_free(&bufs[i]);
        arena_free(a);
        return rc;
}
