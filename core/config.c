/* sluice core: the shared config/credentials files and the AWS_* environment.
 * The INI reader follows the AWS dialect (aws-wire-notes section 2): it never
 * echoes a line back in an error, since the credentials file holds secrets. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/str.h"

#define INI_MAX_FILE (16u << 20)

typedef struct ini_kv {
    char *key;
    char *value;
    struct ini_kv *sub;     /* sub-section entries (key with an empty value) */
    size_t nsub, subcap;
    bool is_sub;
} ini_kv;

typedef struct ini_sec {
    char *name;
    ini_kv *kv;
    size_t n, cap;
} ini_sec;

struct sl_ini {
    ini_sec *sec;
    size_t n, cap;
};

/* ---- small helpers ---------------------------------------------------------- */

static void wipe_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}

/* Trim blanks from both ends of [*p, *p + *n). */
static void trim_span(const char **p, size_t *n)
{
    while (*n && is_blank(**p)) {
        (*p)++;
        (*n)--;
    }
    while (*n && is_blank((*p)[*n - 1]))
        (*n)--;
}

/* Copy of a section header with runs of blanks collapsed to one space. */
static char *collapse_ws(const char *p, size_t n)
{
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_blank(p[i])) {
            if (j && out[j - 1] != ' ')
                out[j++] = ' ';
        } else {
            out[j++] = p[i];
        }
    }
    out[j] = '\0';
    return out;
}

static const char *short_name(const char *name, char *tmp, size_t tmpsz)
{
    size_t n = strlen(name);
    if (n < 120)
        return name;
    snprintf(tmp, tmpsz, "...%s", name + n - 116);
    return tmp;
}

static int ini_error(sl_err *err, const char *name, int line, const char *why)
{
    char tmp[128];
    return sl_err_set(err, SL_ECONFIG, "%s:%d: %s", short_name(name, tmp, sizeof tmp), line,
                      why);
}

/* ---- the INI model ------------------------------------------------------------ */

static void kv_clear(ini_kv *kv)
{
    free(kv->key);
    wipe_free(kv->value);
    for (size_t i = 0; i < kv->nsub; i++)
        kv_clear(&kv->sub[i]);
    free(kv->sub);
    memset(kv, 0, sizeof(*kv));
}

void sl_ini_free(sl_ini *ini)
{
    if (!ini)
        return;
    for (size_t i = 0; i < ini->n; i++) {
        for (size_t j = 0; j < ini->sec[i].n; j++)
            kv_clear(&ini->sec[i].kv[j]);
        free(ini->sec[i].kv);
        free(ini->sec[i].name);
    }
    free(ini->sec);
    free(ini);
}

static const ini_sec *find_sec(const sl_ini *ini, const char *name)
{
    for (size_t i = 0; ini && name && i < ini->n; i++)
        if (strcmp(ini->sec[i].name, name) == 0)
            return &ini->sec[i];
    return NULL;
}

static ini_kv *find_kv(ini_kv *v, size_t n, const char *key, size_t klen)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(v[i].key) == klen && strncasecmp(v[i].key, key, klen) == 0)
            return &v[i];
    return NULL;
}

/* Set key = value in the array (replacing an existing key); returns the entry,
 * or NULL (out of memory) with the array unchanged. */
static ini_kv *kv_put(ini_kv **v, size_t *n, size_t *cap, const char *k, size_t kl,
                      const char *val, size_t vl)
{
    char *key = strndup(k, kl), *value = strndup(val, vl);
    if (!key || !value) {
        free(key);
        wipe_free(value);
        return NULL;
    }
    ini_kv *kv = find_kv(*v, *n, k, kl);
    if (kv) {
        kv_clear(kv);
    } else {
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 8;
            ini_kv *nv = realloc(*v, nc * sizeof(*nv));
            if (!nv) {
                free(key);
                wipe_free(value);
                return NULL;
            }
            *v = nv;
            *cap = nc;
        }
        kv = &(*v)[(*n)++];
        memset(kv, 0, sizeof(*kv));
    }
    kv->key = key;
    kv->value = value;
    kv->is_sub = vl == 0;
    return kv;
}

static ini_sec *sec_get_or_add(sl_ini *ini, const char *p, size_t n)
{
    char *name = collapse_ws(p, n);
    if (!name)
        return NULL;
    ini_sec *s = (ini_sec *)find_sec(ini, name);
    if (s) {
        free(name);
        return s;
    }
    if (ini->n == ini->cap) {
        size_t nc = ini->cap ? ini->cap * 2 : 8;
        ini_sec *ns = realloc(ini->sec, nc * sizeof(*ns));
        if (!ns) {
            free(name);
            return NULL;
        }
        ini->sec = ns;
        ini->cap = nc;
    }
    s = &ini->sec[ini->n++];
    memset(s, 0, sizeof(*s));
    s->name = name;
    return s;
}

/* ---- the parser ------------------------------------------------------------- */

typedef struct parse_state {
    sl_ini *ini;
    const char *name;
    int line;
    ini_sec *sec;       /* current section; NULL before the first header */
    size_t cur;         /* index of the last top-level key in sec, or SIZE_MAX */
    sl_err *err;
} parse_state;

static int nomem(parse_state *st)
{
    return sl_err_set(st->err, SL_ENOMEM, "out of memory reading %s", st->name);
}

/* Split "key = value": key non-empty, both trimmed. */
static bool split_kv(const char *p, size_t n, const char **k, size_t *kl, const char **v,
                     size_t *vl)
{
    const char *eq = memchr(p, '=', n);
    if (!eq)
        return false;
    *k = p;
    *kl = (size_t)(eq - p);
    trim_span(k, kl);
    *v = eq + 1;
    *vl = n - (size_t)(eq - p) - 1;
    trim_span(v, vl);
    return *kl > 0;
}

static int parse_header(parse_state *st, const char *p, size_t n)
{
    const char *close = memrchr(p, ']', n);
    if (!close)
        return ini_error(st->err, st->name, st->line, "section header lacks its closing ']'");
    const char *rest = close + 1;
    size_t rn = n - (size_t)(rest - p);
    trim_span(&rest, &rn);
    if (rn && rest[0] != '#' && rest[0] != ';')
        return ini_error(st->err, st->name, st->line, "text after a section header");
    n = (size_t)(close - p) - 1;
    p++;
    trim_span(&p, &n);
    if (n == 0)
        return ini_error(st->err, st->name, st->line, "empty section name '[]'");
    if (memchr(p, '[', n) || memchr(p, ']', n))
        return ini_error(st->err, st->name, st->line, "stray bracket in section header");
    st->sec = sec_get_or_add(st->ini, p, n);
    st->cur = SIZE_MAX;
    return st->sec ? SL_OK : nomem(st);
}

/* An indented line after a key: a sub-section entry or a continued value. */
static int parse_indented(parse_state *st, const char *p, size_t n)
{
    ini_kv *kv = &st->sec->kv[st->cur];
    if (kv->is_sub) {
        const char *k, *v;
        size_t kl, vl;
        if (!split_kv(p, n, &k, &kl, &v, &vl))
            return ini_error(st->err, st->name, st->line,
                             "expected 'key = value' inside a sub-section");
        ini_kv *sub = kv_put(&kv->sub, &kv->nsub, &kv->subcap, k, kl, v, vl);
        if (!sub)
            return nomem(st);
        sub->is_sub = false;
        return SL_OK;
    }
    size_t old = strlen(kv->value);
    char *nv = malloc(old + 1 + n + 1);
    if (!nv)
        return nomem(st);
    memcpy(nv, kv->value, old);
    nv[old] = '\n';
    memcpy(nv + old + 1, p, n);
    nv[old + 1 + n] = '\0';
    wipe_free(kv->value);
    kv->value = nv;
    return SL_OK;
}

static int parse_line(parse_state *st, const char *p, size_t n)
{
    if (memchr(p, '\0', n))
        return ini_error(st->err, st->name, st->line, "NUL byte in line");
    bool indented = n && is_blank(p[0]);
    trim_span(&p, &n);
    if (n == 0 || p[0] == '#' || p[0] == ';')
        return SL_OK;
    if (indented && st->sec && st->cur != SIZE_MAX)
        return parse_indented(st, p, n);
    if (p[0] == '[')
        return parse_header(st, p, n);
    const char *k, *v;
    size_t kl, vl;
    if (!split_kv(p, n, &k, &kl, &v, &vl))
        return ini_error(st->err, st->name, st->line,
                         memchr(p, '=', n) ? "empty key before '='"
                                           : "expected '[section]' or 'key = value'");
    if (!st->sec)
        return ini_error(st->err, st->name, st->line, "'key = value' before any [section]");
    ini_sec *s = st->sec;
    ini_kv *kv = kv_put(&s->kv, &s->n, &s->cap, k, kl, v, vl);
    if (!kv)
        return nomem(st);
    st->cur = (size_t)(kv - s->kv);
    return SL_OK;
}

int sl_ini_parse(sl_ini **out, const char *text, size_t len, const char *name, sl_err *err)
{
    *out = NULL;
    sl_ini *ini = calloc(1, sizeof(*ini));
    if (!ini)
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    parse_state st = {ini, name ? name : "(config)", 0, NULL, SIZE_MAX, err};
    size_t off = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        off = 3;    /* UTF-8 byte order mark */
    int rc = SL_OK;
    while (off < len && !rc) {
        const char *p = text + off;
        const char *nl = memchr(p, '\n', len - off);
        size_t n = nl ? (size_t)(nl - p) : len - off;
        off += n + (nl ? 1 : 0);
        st.line++;
        rc = parse_line(&st, p, n);
    }
    if (rc) {
        sl_ini_free(ini);
        return rc;
    }
    *out = ini;
    return SL_OK;
}

/* Read the whole file (capped); SL_ENOTFOUND when absent. */
static int read_file(char **out, size_t *outlen, const char *path, sl_err *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return sl_err_set(err, SL_ENOTFOUND, "%s: no such file", path);
        return sl_err_set(err, SL_ECONFIG, "cannot open %s: %s", path, strerror(errno));
    }
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    int rc = buf ? SL_OK : sl_err_set(err, SL_ENOMEM, "out of memory reading %s", path);
    while (!rc) {
        if (len + 1 >= cap) {
            if (cap > INI_MAX_FILE) {
                rc = sl_err_set(err, SL_ECONFIG, "%s is larger than %u MiB", path,
                                INI_MAX_FILE >> 20);
                break;
            }
            char *nb = malloc(cap * 2);
            if (!nb) {
                rc = sl_err_set(err, SL_ENOMEM, "out of memory reading %s", path);
                break;
            }
            memcpy(nb, buf, len);
            explicit_bzero(buf, len);   /* the credentials file holds secrets */
            free(buf);
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + len, cap - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            rc = sl_err_set(err, SL_ECONFIG, "cannot read %s: %s", path, strerror(errno));
        else if (r == 0)
            break;
        else
            len += (size_t)r;
    }
    close(fd);
    if (rc) {
        if (buf)
            explicit_bzero(buf, len);
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return SL_OK;
}

int sl_ini_load(sl_ini **out, const char *path, sl_err *err)
{
    *out = NULL;
    char *text;
    size_t len = 0;
    int rc = read_file(&text, &len, path, err);
    if (rc)
        return rc;
    rc = sl_ini_parse(out, text, len, path, err);
    explicit_bzero(text, len);
    free(text);
    return rc;
}

int sl_ini_has_section(const sl_ini *ini, const char *section)
{
    return find_sec(ini, section) != NULL;
}

const char *sl_ini_get(const sl_ini *ini, const char *section, const char *key)
{
    const ini_sec *s = find_sec(ini, section);
    if (!s || !key)
        return NULL;
    const ini_kv *kv = find_kv(s->kv, s->n, key, strlen(key));
    return kv ? kv->value : NULL;
}

const char *sl_ini_sub_get(const sl_ini *ini, const char *section, const char *key,
                           const char *subkey)
{
    const ini_sec *s = find_sec(ini, section);
    if (!s || !key || !subkey)
        return NULL;
    const ini_kv *kv = find_kv(s->kv, s->n, key, strlen(key));
    if (!kv)
        return NULL;
    const ini_kv *sub = find_kv(kv->sub, kv->nsub, subkey, strlen(subkey));
    return sub ? sub->value : NULL;
}

/* ---- the configuration ------------------------------------------------------ */

/* getenv that treats an empty value as unset. */
static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* Path from an override variable (with ~ expanded) or $HOME/.aws/<leaf>. NULL
 * with *oom unset when there is no HOME. */
static char *file_path(const char *var, const char *leaf, bool *oom)
{
    const char *p = env(var), *home = env("HOME");
    char *out = NULL;
    int r = 0;
    *oom = false;
    if (p && p[0] == '~' && (p[1] == '/' || p[1] == '\0') && home)
        r = asprintf(&out, "%s%s", home, p + 1);
    else if (p)
        out = strdup(p);
    else if (home)
        r = asprintf(&out, "%s/.aws/%s", home, leaf);
    else
        return NULL;
    if (r < 0)
        out = NULL;
    *oom = out == NULL;
    return out;
}

static int load_file(sl_ini **out, const char *var, const char *leaf, sl_err *err)
{
    bool oom;
    *out = NULL;
    char *path = file_path(var, leaf, &oom);
    if (!path)
        return oom ? sl_err_set(err, SL_ENOMEM, "out of memory") : SL_OK;
    int rc = sl_ini_load(out, path, err);
    free(path);
    if (rc == SL_ENOTFOUND) {
        sl_err_clear(err);
        rc = SL_OK;
    }
    return rc;
}

/* The config-file section of a profile: "default" (or "[profile default]"), else
 * "profile NAME". */
static const char *config_get(const sl_config *cfg, const char *key)
{
    if (!cfg->config_file || !cfg->profile)
        return NULL;
    if (strcmp(cfg->profile, "default") == 0) {
        const char *v = sl_ini_get(cfg->config_file, "default", key);
        return v ? v : sl_ini_get(cfg->config_file, "profile default", key);
    }
    char sec[512];
    if ((size_t)snprintf(sec, sizeof sec, "profile %s", cfg->profile) >= sizeof sec)
        return NULL;
    return sl_ini_get(cfg->config_file, sec, key);
}

const char *sl_config_profile_get(const sl_config *cfg, const char *key)
{
    if (!cfg || !key)
        return NULL;
    const char *v = cfg->creds_file ? sl_ini_get(cfg->creds_file, cfg->profile, key) : NULL;
    return v ? v : config_get(cfg, key);
}

static bool profile_exists(const sl_config *cfg)
{
    if (sl_ini_has_section(cfg->creds_file, cfg->profile))
        return true;
    if (!cfg->config_file)
        return false;
    char sec[512];
    if ((size_t)snprintf(sec, sizeof sec, "profile %s", cfg->profile) >= sizeof sec)
        return false;
    return sl_ini_has_section(cfg->config_file, sec) ||
           (strcmp(cfg->profile, "default") == 0 &&
            sl_ini_has_section(cfg->config_file, "default"));
}

static int parse_attempts(int *out, const char *s)
{
    char tmp[32];
    size_t n = strlen(s);
    if (n >= sizeof tmp)
        return SL_EPARSE;
    memcpy(tmp, s, n + 1);
    int64_t v;
    if (sl_parse_i64(&v, sl_trim(tmp)) || v < 1 || v > INT_MAX)
        return SL_EPARSE;
    *out = (int)v;
    return SL_OK;
}

static int load_max_attempts(sl_config *cfg, sl_err *err)
{
    cfg->max_attempts = 3;
    const char *v = env("AWS_MAX_ATTEMPTS");
    if (v) {
        if (parse_attempts(&cfg->max_attempts, v))
            return sl_err_set(err, SL_ECONFIG,
                              "AWS_MAX_ATTEMPTS=\"%.40s\" is not a whole number >= 1", v);
        return SL_OK;
    }
    v = sl_config_profile_get(cfg, "max_attempts");
    if (v && parse_attempts(&cfg->max_attempts, v))
        return sl_err_set(err, SL_ECONFIG,
                          "max_attempts = \"%.40s\" in profile '%.60s' is not a whole number >= 1",
                          v, cfg->profile);
    return SL_OK;
}

static bool is_true(const char *v)
{
    if (!v)
        return false;
    char tmp[16];
    snprintf(tmp, sizeof tmp, "%s", v);
    return sl_str_ieq(sl_trim(tmp), "true");
}

static int load_settings(sl_config *cfg, sl_err *err)
{
    const char *region = env("AWS_REGION");
    if (!region)
        region = env("AWS_DEFAULT_REGION");
    if (!region)
        region = sl_config_profile_get(cfg, "region");
    if (region && *region && !(cfg->region = strdup(region)))
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    int rc = load_max_attempts(cfg, err);
    if (rc)
        return rc;
    const char *ign = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    if (!ign || !*ign)
        ign = sl_config_profile_get(cfg, "ignore_configured_endpoint_urls");
    cfg->ignore_endpoints = is_true(ign);
    if (cfg->ignore_endpoints)
        return SL_OK;
    const char *ep = env("AWS_ENDPOINT_URL");
    if (!ep)
        ep = sl_config_profile_get(cfg, "endpoint_url");
    if (ep && *ep && !(cfg->endpoint_url = strdup(ep)))
        return sl_err_set(err, SL_ENOMEM, "out of memory");
    return SL_OK;
}

int sl_config_load(sl_config *cfg, sl_err *err)
{
    memset(cfg, 0, sizeof(*cfg));
    const char *prof = env("AWS_PROFILE");
    cfg->profile = strdup(prof ? prof : "default");
    int rc = cfg->profile ? SL_OK : sl_err_set(err, SL_ENOMEM, "out of memory");
    if (!rc)
        rc = load_file(&cfg->config_file, "AWS_CONFIG_FILE", "config", err);
    if (!rc)
        rc = load_file(&cfg->creds_file, "AWS_SHARED_CREDENTIALS_FILE", "credentials", err);
    if (!rc && prof && !profile_exists(cfg))
        rc = sl_err_set(err, SL_ECONFIG,
                        "AWS_PROFILE names profile '%.60s', which is in neither the config "
                        "file nor the credentials file", prof);
    if (!rc)
        rc = load_settings(cfg, err);
    if (rc)
        sl_config_cleanup(cfg);
    return rc;
}

void sl_config_cleanup(sl_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->profile);
    free(cfg->region);
    free(cfg->endpoint_url);
    sl_ini_free(cfg->config_file);
    sl_ini_free(cfg->creds_file);
    memset(cfg, 0, sizeof(*cfg));
}

/* The [services NAME] sub-section endpoint of the profile, borrowed. */
static const char *services_endpoint(const sl_config *cfg, const char *config_key)
{
    const char *svc = sl_config_profile_get(cfg, "services");
    if (!svc || !*svc || !config_key || !cfg->config_file)
        return NULL;
    char sec[512];
    if ((size_t)snprintf(sec, sizeof sec, "services %s", svc) >= sizeof sec)
        return NULL;
    return sl_ini_sub_get(cfg->config_file, sec, config_key, "endpoint_url");
}

char *sl_config_endpoint(const sl_config *cfg, const char *service_id, const char *config_key)
{
    if (!cfg || cfg->ignore_endpoints)
        return NULL;
    if (service_id && *service_id) {
        char var[128];
        int n = snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", service_id);
        if (n > 0 && (size_t)n < sizeof var) {
            for (char *c = var + 17; *c; c++)
                *c = (*c == ' ' || *c == '-') ? '_' : (char)toupper((unsigned char)*c);
            const char *v = env(var);
            if (v)
                return strdup(v);
        }
    }
    const char *v = services_endpoint(cfg, config_key);
    if (v && *v)
        return strdup(v);
    return cfg->endpoint_url ? strdup(cfg->endpoint_url) : NULL;
}
