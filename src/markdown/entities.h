/* HTML5 named character references ("&eacute;"), for the Markdown renderer.
 *
 * The table is generated at build time by gen_entities.py from Python's html.entities.html5
 * (every name of the WHATWG list that ends with ';'); no copy of it is kept in the sources. */
#ifndef KD_MARKDOWN_ENTITIES_H
#define KD_MARKDOWN_ENTITIES_H

#include <stddef.h>

struct mdr_entity {
        const char *name; /* without '&' and ';', e.g. "eacute" */
        const char *utf8; /* what it stands for: one or two code points as UTF-8 */
};

/* Sorted by name, byte by byte (memcmp order). */
extern const struct mdr_entity mdr_entities[];
extern const size_t mdr_entities_count;
extern const size_t mdr_entity_name_max; /* the longest name, in bytes */

/* Returns the UTF-8 text of the entity called name[0..len) (no '&' or ';'), or NULL when there
 * is no such entity. Names are case-sensitive ("&Eacute;" is not "&eacute;"). Static storage. */
const char *mdr_entity_find(const char *name, size_t len);

#endif
