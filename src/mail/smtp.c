/* SMTP submission with libcurl; see smtp.h. */
#include "mail/smtp.h"
#include "core/alloc.h"

#include <ctype.h>
#include <stdatomic.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
        /* a kept connection older than this is closed rather than reused: servers drop idle
         * ones after a while, and a dropped one only shows when the next message fails */
        KEEP_CONNECTION_S = 30,
        ANSWER_LINE_MAX = 512,
};

struct smtp_client {
        const struct smtp_settings *settings;
        CURL *curl;
        /* the conversation of the message at hand, from curl's debug callback */
        char last_command[16]; /* the verb of the last command sent: "RCPT", "DATA" */
        bool data_accepted;    /* the server said 354: what comes back next is about the text */
        bool quitting;         /* QUIT was sent: its answer (221) is not the one to keep */
        char last_line[ANSWER_LINE_MAX]; /* the server's last answer line */
        /* the message being uploaded */
        const char *data;
        size_t len, sent;
};

static atomic_bool interrupted;

void smtp_interrupt(void)
{
        atomic_store(&interrupted, true);
}

/* libcurl calls this about once a second while a conversation lasts, waits included. */
static int keep_going(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                      curl_off_t ulnow)
{
        (void)arg, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
        return atomic_load(&interrupted) ? 1 : 0;
}

static size_t read_message(char *out, size_t size, size_t n, void *arg)
{
        struct smtp_client *c = arg;
        size_t want = size * n, left = c->len - c->sent;
        if (want > left)
                want = left;
        memcpy(out, c->data + c->sent, want);
        c->sent += want;
        return want;
}

/* Follows the conversation: which command an answer is to, and the answer's text. */
static int watch(CURL *curl, curl_infotype type, char *text, size_t size, void *arg)
{
        (void)curl;
        struct smtp_client *c = arg;
        if (type == CURLINFO_HEADER_OUT) {
                /* Only a command's verb is kept. Lines that are not commands (the base64 of
                 * a login, in answer to AUTH's challenge) belong to the command before and
                 * must never reach the outbox's answer, which admins read. */
                static const char *const verbs[] = {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL",
                                                    "RCPT", "DATA", "RSET",     "NOOP", "QUIT"};
                const char *verb = NULL;
                for (size_t i = 0; i < sizeof(verbs) / sizeof(*verbs) && !verb; i++) {
                        size_t n = strlen(verbs[i]);
                        if (size >= n && strncasecmp(text, verbs[i], n) == 0 &&
                            (size == n || !isalpha((unsigned char)text[n])))
                                verb = verbs[i];
                }
                /* after a refusal libcurl says QUIT: the answer that matters came before */
                if (verb && strcmp(verb, "QUIT") == 0) {
                        c->quitting = true;
                } else if (verb) {
                        snprintf(c->last_command, sizeof(c->last_command), "%s", verb);
                        c->data_accepted = false;
                }
        } else if (type == CURLINFO_HEADER_IN && size >= 3 && !c->quitting) {
                size_t n = size < sizeof(c->last_line) - 1 ? size : sizeof(c->last_line) - 1;
                while (n > 0 && (text[n - 1] == '\r' || text[n - 1] == '\n'))
                        n--;
                memcpy(c->last_line, text, n);
                c->last_line[n] = '\0';
                for (size_t i = 0; i < n; i++) /* an answer is text for admins, not controls */
                        if ((unsigned char)c->last_line[i] < 0x20 || c->last_line[i] == 0x7f)
                                c->last_line[i] = ' ';
                if (strcmp(c->last_command, "DATA") == 0 && strncmp(c->last_line, "354", 3) == 0)
                        c->data_accepted = true;
        }
        return 0;
}

static void configure(struct smtp_client *c)
{
        const struct smtp_settings *s = c->settings;
        CURL *curl = c->curl;
        curl_easy_setopt(curl, CURLOPT_URL, s->url);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* timeouts without SIGALRM: threads */
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        if (strncasecmp(s->url, "smtps://", 8) == 0 || s->starttls == SMTP_STARTTLS_REQUIRED)
                curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
        else if (s->starttls == SMTP_STARTTLS_OPTIONAL)
                curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
        else
                curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_NONE);
        if (s->ca_file)
                curl_easy_setopt(curl, CURLOPT_CAINFO, s->ca_file);
        if (s->user) {
                curl_easy_setopt(curl, CURLOPT_USERNAME, s->user);
                curl_easy_setopt(curl, CURLOPT_PASSWORD, s->password ? s->password : "");
        }
        /* Every wait is bounded: the connection, each answer, and the whole message (a server
         * trickling its answers must not hold the worker either). */
        long t = (long)s->timeout_s;
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, t);
        curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, t);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 4 * t);
        curl_easy_setopt(curl, CURLOPT_MAXAGE_CONN, (long)KEEP_CONNECTION_S);
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
        curl_easy_setopt(curl, CURLOPT_READDATA, c);
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, keep_going);
        curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L); /* what feeds the debug callback */
        curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, watch);
        curl_easy_setopt(curl, CURLOPT_DEBUGDATA, c);
}

struct smtp_client *smtp_client_new(const struct smtp_settings *settings)
{
        struct smtp_client *c = xcalloc(1, sizeof(*c));
        c->settings = settings;
        c->curl = curl_easy_init();
        if (c->curl)
                configure(c);
        return c;
}

void smtp_client_free(struct smtp_client *c)
{
        if (!c)
                return;
        if (c->curl)
                curl_easy_cleanup(c->curl);
        free(c);
}

/* The three digits an answer line starts with, 0 when it does not. */
static int answer_code(const char *line)
{
        if (!isdigit((unsigned char)line[0]) || !isdigit((unsigned char)line[1]) ||
            !isdigit((unsigned char)line[2]))
                return 0;
        return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

enum smtp_result smtp_send(struct smtp_client *c, const char *from, const char *to,
                           const char *message, size_t len, char *answer, size_t answer_size)
{
        if (!c->curl) {
                snprintf(answer, answer_size, "libcurl could not start a transfer");
                return SMTP_TEMPORARY;
        }
        char from_path[300];
        snprintf(from_path, sizeof(from_path), "<%s>", from);
        struct curl_slist *rcpt = curl_slist_append(NULL, to);
        c->last_command[0] = c->last_line[0] = '\0';
        c->data_accepted = c->quitting = false;
        c->data = message;
        c->len = len;
        c->sent = 0;
        char error[CURL_ERROR_SIZE] = "";
        curl_easy_setopt(c->curl, CURLOPT_MAIL_FROM, from_path);
        curl_easy_setopt(c->curl, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, error);
        CURLcode rc = curl_easy_perform(c->curl);
        curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, NULL);
        curl_easy_setopt(c->curl, CURLOPT_MAIL_RCPT, NULL);
        curl_slist_free_all(rcpt);
        c->data = NULL;

        const char *stage = c->data_accepted ? "message" : c->last_command;
        int code = answer_code(c->last_line);
        if (rc == CURLE_OK) {
                snprintf(answer, answer_size, "%s", c->last_line);
                return SMTP_SENT;
        }
        if (rc == CURLE_ABORTED_BY_CALLBACK) {
                snprintf(answer, answer_size, "interrupted: this node was stopping");
                return SMTP_TEMPORARY;
        }
        if (code >= 400 && code < 600)
                snprintf(answer, answer_size, "%s%s%s", *stage ? stage : "", *stage ? ": " : "",
                         c->last_line);
        else
                snprintf(answer, answer_size, "%s", *error ? error : curl_easy_strerror(rc));
        if (code == 0 || code == 421)
                return SMTP_NO_SERVER;
        if (code >= 500 && code < 600) {
                if (strcmp(stage, "RCPT") == 0)
                        return SMTP_REFUSED_RECIPIENT;
                if (strcmp(stage, "message") == 0 || strcmp(stage, "DATA") == 0)
                        return SMTP_REFUSED_MESSAGE;
        }
        return SMTP_TEMPORARY;
}
