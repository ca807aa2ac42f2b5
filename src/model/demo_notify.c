/* The demo's notification mail choices: every frequency is someone's, so the settings page, the
 * passes and the one-click stop each have a member to show them with (docs/mail.md); and a
 * notification kind turned off (docs/welcome.md). */
#include "core/arena.h"
#include "core/timeutil.h"
#include "model/demo.h"
#include "model/mail_notify.h"
#include "model/notify_pref.h"

int demo_seed_notify(struct db *db)
{
        static const struct {
                const char *handle;
                enum mail_notify_choice choice;
        } choices[] = {
            {"mira", MAIL_NOTIFY_IMMEDIATE}, /* an author who answers her readers at once */
            {"ana", MAIL_NOTIFY_IMMEDIATE},  /* asked questions and waits for the answers */
            {"tomas", MAIL_NOTIFY_DAILY},    /* reads it all with his morning coffee */
            {"june", MAIL_NOTIFY_NONE},      /* a moderator who lives on the site anyway */
            /* sam, liwei (in Chinese) and admin keep the default: a weekly digest */
        };
        struct arena *a = arena_new();
        int rc = 0;
        for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]) && rc == 0; i++) {
                int64_t id = demo_member_id(db, a, choices[i].handle);
                if (id <= 0 || mail_notify_set(db, id, choices[i].choice, time_now()) != 0)
                        rc = -1;
        }
        arena_free(a);
        return rc;
}

int demo_seed_notify_kinds(struct db *db)
{
        /* Hana (one of the insights' readers) turned reactions off in /settings/notifications:
         * she wants to hear of replies to what she writes, not who liked it. */
        struct arena *a = arena_new();
        int64_t hana = demo_member_id(db, a, "hana_sato");
        arena_free(a);
        bool on[NOTIFY_GROUPS];
        if (hana <= 0 || notify_pref_get(db, hana, on) != 0)
                return -1;
        on[NOTIFY_GROUP_REACTIONS] = false;
        return notify_pref_apply(db, hana, on, time_now());
}
