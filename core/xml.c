#include "core/xml.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define XML_MAX_DEPTH 64

typedef struct {
    sl_xml *root, *cur;
    sl_buf text;       /* character data of the current element */
    int depth;
    int failed;        /* SL_ENOMEM or SL_EPARSE */
    XML_Parser p;
} xml_ctx;

static const char *local_name(const char *n)
{
    const char *bar = strrchr(n, '|');
    if (bar)
        return bar + 1;
    const char *colon = strrchr(n, ':');
    return colon ? colon + 1 : n;
}

static int flush_text(xml_ctx *c)
{
    if (!c->cur)
        return 0;
    char *t = sl_buf_take(&c->text);
    if (!t)
        return SL_ENOMEM;
    if (c->cur->text && *c->cur->text) {
        size_t a = strlen(c->cur->text), b = strlen(t);
        char *j = realloc(c->cur->text, a + b + 1);
        if (!j) {
            free(t);
            return SL_ENOMEM;
        }
        memcpy(j + a, t, b + 1);
        c->cur->text = j;
        free(t);
    } else {
        free(c->cur->text);
        c->cur->text = t;
    }
    return 0;
}

static void fail(xml_ctx *c, int code)
{
    if (!c->failed)
        c->failed = code;
    XML_StopParser(c->p, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    (void)attrs;
    xml_ctx *c = ud;
    if (++c->depth > XML_MAX_DEPTH)
        return fail(c, SL_EPARSE);
    if (flush_text(c))
        return fail(c, SL_ENOMEM);
    sl_xml *x = calloc(1, sizeof(*x));
    if (!x || !(x->name = strdup(local_name(name))) || !(x->text = calloc(1, 1))) {
        if (x)
            free(x->name);
        free(x);
        return fail(c, SL_ENOMEM);
    }
    x->parent = c->cur;
    if (!c->cur) {
        c->root = x;
    } else if (!c->cur->child) {
        c->cur->child = x;
    } else {
        sl_xml *s = c->cur->child;
        while (s->next)
            s = s->next;
        s->next = x;
    }
    c->cur = x;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    (void)name;
    xml_ctx *c = ud;
    if (flush_text(c))
        return fail(c, SL_ENOMEM);
    c->depth--;
    if (c->cur)
        c->cur = c->cur->parent;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    xml_ctx *c = ud;
    if (c->cur && sl_buf_append(&c->text, s, (size_t)len))
        fail(c, SL_ENOMEM);
}

int sl_xml_parse(sl_xml **out, const char *s, size_t n, sl_err *err)
{
    *out = NULL;
    if (!s || n == 0)
        return sl_err_set(err, SL_EPARSE, "empty XML document");
    xml_ctx c = {0};
    sl_buf_init(&c.text, 0);
    c.p = XML_ParserCreateNS(NULL, '|');
    if (!c.p)
        return sl_err_set(err, SL_ENOMEM, "out of memory creating XML parser");
    XML_SetUserData(c.p, &c);
    XML_SetElementHandler(c.p, on_start, on_end);
    XML_SetCharacterDataHandler(c.p, on_text);
    int rc = SL_OK;
    if (n > (size_t)0x7fffffff) {
        rc = sl_err_set(err, SL_ETOOBIG, "XML document too large");
    } else if (XML_Parse(c.p, s, (int)n, XML_TRUE) != XML_STATUS_OK || c.failed) {
        if (c.failed == SL_ENOMEM)
            rc = sl_err_set(err, SL_ENOMEM, "out of memory parsing XML");
        else if (c.depth > XML_MAX_DEPTH)
            rc = sl_err_set(err, SL_EPARSE, "XML nested deeper than %d", XML_MAX_DEPTH);
        else
            rc = sl_err_set(err, SL_EPARSE, "bad XML at line %lu: %s",
                            (unsigned long)XML_GetCurrentLineNumber(c.p),
                            XML_ErrorString(XML_GetErrorCode(c.p)));
    } else if (!c.root) {
        rc = sl_err_set(err, SL_EPARSE, "XML document has no element");
    }
    XML_ParserFree(c.p);
    sl_buf_cleanup(&c.text);
    if (rc) {
        sl_xml_free(c.root);
        return rc;
    }
    *out = c.root;
    return SL_OK;
}

void sl_xml_free(sl_xml *x)
{
    while (x) {
        sl_xml *next = x->next;
        sl_xml_free(x->child);
        free(x->name);
        free(x->text);
        free(x);
        x = next;
    }
}

const sl_xml *sl_xml_child(const sl_xml *x, const char *name)
{
    for (const sl_xml *c = x ? x->child : NULL; c; c = c->next)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

const sl_xml *sl_xml_next(const sl_xml *x)
{
    for (const sl_xml *c = x ? x->next : NULL; c; c = c->next)
        if (strcmp(c->name, x->name) == 0)
            return c;
    return NULL;
}

const sl_xml *sl_xml_path(const sl_xml *x, const char *path)
{
    char part[128];
    while (x && *path) {
        const char *slash = strchr(path, '/');
        size_t n = slash ? (size_t)(slash - path) : strlen(path);
        if (n >= sizeof(part))
            return NULL;
        memcpy(part, path, n);
        part[n] = '\0';
        x = sl_xml_child(x, part);
        path += n + (slash ? 1 : 0);
    }
    return x;
}

const char *sl_xml_text(const sl_xml *x, const char *path)
{
    const sl_xml *e = sl_xml_path(x, path);
    return e ? e->text : NULL;
}

const sl_xml *sl_xml_find(const sl_xml *x, const char *name)
{
    if (!x)
        return NULL;
    if (strcmp(x->name, name) == 0)
        return x;
    for (const sl_xml *c = x->child; c; c = c->next) {
        const sl_xml *r = sl_xml_find(c, name);
        if (r)
            return r;
    }
    return NULL;
}

int sl_xml_escape(sl_buf *out, const char *s)
{
    for (; *s; s++) {
        const char *e = NULL;
        switch (*s) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&quot;"; break;
        case '\'': e = "&apos;"; break;
        }
        int rc = e ? sl_buf_puts(out, e) : sl_buf_append(out, s, 1);
        if (rc)
            return rc;
    }
    return SL_OK;
}
