/* sluice core: a small read-only DOM over expat. Elements are found by local name
 * (namespace and prefix dropped), never by the root element's name alone, since
 * emulators and AWS differ there. */
#ifndef SL_CORE_XML_H
#define SL_CORE_XML_H

#include <stddef.h>

#include "core/err.h"

typedef struct sl_xml sl_xml;
struct sl_xml {
    char *name;       /* local name */
    char *text;       /* concatenated character data, "" if none */
    sl_xml *parent, *child, *next;
};

/* Parse a whole document. SL_EPARSE (with expat's message and line) on bad XML,
 * empty input or nesting deeper than 64. Free with sl_xml_free(). */
SL_MUST_CHECK int sl_xml_parse(sl_xml **out, const char *s, size_t n, sl_err *err);
void sl_xml_free(sl_xml *x);

/* First child element with that local name, or NULL. x may be NULL. */
const sl_xml *sl_xml_child(const sl_xml *x, const char *name);
/* Next sibling with the same name, or NULL. */
const sl_xml *sl_xml_next(const sl_xml *x);
/* Follow a '/'-separated path of child names from x. */
const sl_xml *sl_xml_path(const sl_xml *x, const char *path);
/* Text of the element at path under x, or NULL when absent (borrowed). */
const char *sl_xml_text(const sl_xml *x, const char *path);
/* Depth-first search for the first element of that name anywhere under x. */
const sl_xml *sl_xml_find(const sl_xml *x, const char *name);

/* Append s to out with XML escaping (&, <, >, ", '). */
#include "core/buf.h"
SL_MUST_CHECK int sl_xml_escape(sl_buf *out, const char *s);

#endif
