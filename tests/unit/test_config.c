/* Unit tests for core/config.c: the INI reader, the environment and file order,
 * endpoint precedence. Every case runs with a clean AWS_* environment and a fresh
 * temporary HOME; the original environment is restored afterwards. */
#include "core/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/lib/test.h"

/* ---- environment and temp files ------------------------------------------- */

static const char *const VARS[] = {
    "HOME", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_MAX_ATTEMPTS",
    "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_DYNAMODB",
    "AWS_ENDPOINT_URL_CLOUDWATCH", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
};
#define NVARS (sizeof VARS / sizeof *VARS)

static char *g_saved[NVARS];
static int g_snapped;
static char g_home[64];
static char g_tmp[16][64];
static int g_ntmp;

static void files_cleanup(void)
{
    for (int i = 0; i < g_ntmp; i++)
        unlink(g_tmp[i]);
    g_ntmp = 0;
    if (g_home[0]) {
        char p[128];
        static const char *const leaves[] = {"/.aws/config", "/.aws/credentials", "/myconf"};
        for (size_t i = 0; i < 3; i++) {
            snprintf(p, sizeof p, "%s%s", g_home, leaves[i]);
            unlink(p);
        }
        snprintf(p, sizeof p, "%s/.aws", g_home);
        rmdir(p);
        rmdir(g_home);
        g_home[0] = '\0';
    }
}

static void env_restore(void)
{
    for (size_t i = 0; i < NVARS; i++) {
        if (g_saved[i])
            setenv(VARS[i], g_saved[i], 1);
        else
            unsetenv(VARS[i]);
    }
}

/* Start of every case: clean AWS_* variables, HOME = a new empty directory. */
static void env_begin(void)
{
    if (!g_snapped) {
        for (size_t i = 0; i < NVARS; i++)
            g_saved[i] = getenv(VARS[i]) ? strdup(getenv(VARS[i])) : NULL;
        g_snapped = 1;
    }
    files_cleanup();
    for (size_t i = 0; i < NVARS; i++)
        unsetenv(VARS[i]);
    snprintf(g_home, sizeof g_home, "/tmp/sluice-cfg-home-XXXXXX");
    CHECK(mkdtemp(g_home) != NULL);
    setenv("HOME", g_home, 1);
}

static void env_end(void)
{
    files_cleanup();
    env_restore();
}

static void write_all(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECK_MSG(f != NULL, "cannot create %s: %s", path, strerror(errno));
    CHECK(fwrite(text, 1, len, f) == len);
    CHECK(fclose(f) == 0);
}

/* A temp file holding text (removed at the end of the case). */
static const char *tmp_file(const char *text)
{
    CHECK(g_ntmp < 16);
    char *p = g_tmp[g_ntmp];
    snprintf(p, 64, "/tmp/sluice-cfg-XXXXXX");
    int fd = mkstemp(p);
    CHECK(fd >= 0);
    close(fd);
    g_ntmp++;
    write_all(p, text, strlen(text));
    return p;
}

static void home_file(const char *leaf, const char *text)
{
    char p[128];
    snprintf(p, sizeof p, "%s/.aws", g_home);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/.aws/%s", g_home, leaf);
    write_all(p, text, strlen(text));
}

static void load_ok(sl_config *cfg)
{
    sl_err err = SL_ERR_INIT;
    CHECK_OK(sl_config_load(cfg, &err), &err);
}

static int load_fail(sl_err *err)
{
    sl_config cfg;
    int rc = sl_config_load(&cfg, err);
    if (rc == 0)
        sl_config_cleanup(&cfg);
    CHECK_MSG(rc != 0, "sl_config_load succeeded, expected an error");
    CHECK(cfg.profile == NULL && cfg.config_file == NULL);   /* cleaned up */
    return rc;
}

#define CHECK_HAS(hay, needle) CHECK_MSG(strstr((hay), (needle)) != NULL, \
    "\"%s\" does not contain \"%s\"", (hay), (needle))
#define CHECK_NULL(p) CHECK_MSG((p) == NULL, "%s is \"%s\", expected NULL", #p, (p))

/* ---- environment and files --------------------------------------------------- */

static void test_config__defaults(void)
{
    env_begin();
    sl_config cfg;
    load_ok(&cfg);
    CHECK_STR(cfg.profile, "default");
    CHECK_NULL(cfg.region);
    CHECK_INT(cfg.max_attempts, 3);
    CHECK_NULL(cfg.endpoint_url);
    CHECK_INT(cfg.ignore_endpoints, 0);
    CHECK(cfg.config_file == NULL && cfg.creds_file == NULL);
    char *ep = sl_config_endpoint(&cfg, "S3", "s3");
    CHECK_NULL(ep);
    CHECK_NULL(sl_config_profile_get(&cfg, "region"));
    sl_config_cleanup(&cfg);
    sl_config_cleanup(&cfg);    /* twice is harmless */
    unsetenv("HOME");           /* no HOME: no files, still fine */
    load_ok(&cfg);
    CHECK_STR(cfg.profile, "default");
    sl_config_cleanup(&cfg);
    env_end();
}

static void test_config__home_files(void)
{
    env_begin();
    home_file("config", "[default]\nregion = eu-west-1\nmax_attempts = 6\n");
    home_file("credentials", "[default]\naws_access_key_id = AKIDHOME\n");
    sl_config cfg;
    load_ok(&cfg);
    CHECK_STR(cfg.region, "eu-west-1");
    CHECK_INT(cfg.max_attempts, 6);
    CHECK_STR(sl_config_profile_get(&cfg, "aws_access_key_id"), "AKIDHOME");
    sl_config_cleanup(&cfg);
    env_end();
}

static void test_config__file_env_override(void)
{
    env_begin();
    home_file("config", "[default]\nregion = eu-west-1\n");
    home_file("credentials", "[default]\naws_access_key_id = AKIDHOME\n");
    setenv("AWS_CONFIG_FILE", tmp_file("[default]\nregion = ap-south-1\n"), 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file("[default]\naws_access_key_id = AKIDENV\n"),
           1);
    sl_config cfg;
    load_ok(&cfg);
    CHECK_STR(cfg.region, "ap-south-1");
    CHECK_STR(sl_config_profile_get(&cfg, "aws_access_key_id"), "AKIDENV");
    sl_config_cleanup(&cfg);

    /* "~/" expands to HOME; a missing override file is like no file. */
    char p[128];
    snprintf(p, sizeof p, "%s/myconf", g_home);
    write_all(p, "[default]\nregion = sa-east-1\n", 29);
    setenv("AWS_CONFIG_FILE", "~/myconf", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/tmp/sluice-cfg-does-not-exist/credentials", 1);
    load_ok(&cfg);
    CHECK_STR(cfg.region, "sa-east-1");
    CHECK(cfg.creds_file == NULL);
    sl_config_cleanup(&cfg);
    env_end();
}

static void test_config__region_order(void)
{
    env_begin();
    setenv("AWS_CONFIG_FILE", tmp_file("[default]\nregion = profile-region\n"), 1);
    static const struct { const char *region, *def, *want; } cases[] = {
        {"env-region", "default-region", "env-region"},
        {NULL, "default-region", "default-region"},
        {"", "default-region", "default-region"},   /* empty counts as unset */
        {NULL, NULL, "profile-region"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (cases[i].region)
            setenv("AWS_REGION", cases[i].region, 1);
        else
            unsetenv("AWS_REGION");
        if (cases[i].def)
            setenv("AWS_DEFAULT_REGION", cases[i].def, 1);
        else
            unsetenv("AWS_DEFAULT_REGION");
        sl_config cfg;
        load_ok(&cfg);
        CHECK_STR(cfg.region, cases[i].want);
        sl_config_cleanup(&cfg);
    }
    env_end();
}

static void test_config__profile_select(void)
{
    env_begin();
    setenv("AWS_CONFIG_FILE", tmp_file("[default]\nregion = r-default\n"
                                       "[profile dev]\nregion = r-dev\n"
                                       "[bare]\nregion = r-bare\n"), 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file("[credsonly]\naws_access_key_id = AK\n"), 1);
    sl_config cfg;
    setenv("AWS_PROFILE", "dev", 1);
    load_ok(&cfg);
    CHECK_STR(cfg.profile, "dev");
    CHECK_STR(cfg.region, "r-dev");
    sl_config_cleanup(&cfg);

    setenv("AWS_PROFILE", "credsonly", 1);      /* defined only in the credentials file */
    load_ok(&cfg);
    CHECK_NULL(cfg.region);
    CHECK_STR(sl_config_profile_get(&cfg, "aws_access_key_id"), "AK");
    sl_config_cleanup(&cfg);

    sl_err err = SL_ERR_INIT;
    setenv("AWS_PROFILE", "nope", 1);
    CHECK_INT(load_fail(&err), SL_ECONFIG);
    CHECK_INT(err.code, SL_ECONFIG);
    CHECK_HAS(err.message, "'nope'");
    /* In the config file a profile section needs the "profile " prefix. */
    setenv("AWS_PROFILE", "bare", 1);
    CHECK_INT(load_fail(&err), SL_ECONFIG);
    CHECK_HAS(err.message, "'bare'");
    env_end();
}

static void test_config__creds_file_wins(void)
{
    env_begin();
    setenv("AWS_CONFIG_FILE", tmp_file("[profile p]\nregion = from-config\n"
                                       "aws_access_key_id = AK-config\nmax_attempts = 2\n"), 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_file("[p]\nregion = from-creds\n"
                                                   "aws_access_key_id = AK-creds\n"), 1);
    setenv("AWS_PROFILE", "p", 1);
    sl_config cfg;
    load_ok(&cfg);
    CHECK_STR(cfg.region, "from-creds");
    CHECK_STR(sl_config_profile_get(&cfg, "aws_access_key_id"), "AK-creds");
    CHECK_STR(sl_config_profile_get(&cfg, "max_attempts"), "2");   /* only in config */
    CHECK_INT(cfg.max_attempts, 2);
    CHECK_NULL(sl_config_profile_get(&cfg, "nothing"));
    sl_config_cleanup(&cfg);
    env_end();
}

static void test_config__max_attempts(void)
{
    env_begin();
    static const struct { const char *env, *prof; int want; } ok[] = {
        {"5", NULL, 5}, {" 7 ", NULL, 7}, {NULL, "4", 4}, {"9", "4", 9}, {NULL, NULL, 3},
        {"1", NULL, 1},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char text[64];
        snprintf(text, sizeof text, "[default]\n%s%s\n", ok[i].prof ? "max_attempts = " : "",
                 ok[i].prof ? ok[i].prof : "");
        setenv("AWS_CONFIG_FILE", tmp_file(text), 1);
        if (ok[i].env)
            setenv("AWS_MAX_ATTEMPTS", ok[i].env, 1);
        else
            unsetenv("AWS_MAX_ATTEMPTS");
        sl_config cfg;
        load_ok(&cfg);
        CHECK_INT(cfg.max_attempts, ok[i].want);
        sl_config_cleanup(&cfg);
        env_begin();
    }
    static const char *const junk[] = {"abc", "0", "-1", "3x", "99999999999", "1.5", " "};
    for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
        sl_err err = SL_ERR_INIT;
        setenv("AWS_MAX_ATTEMPTS", junk[i], 1);
        CHECK_INT(load_fail(&err), SL_ECONFIG);
        CHECK_HAS(err.message, "AWS_MAX_ATTEMPTS");
    }
    unsetenv("AWS_MAX_ATTEMPTS");
    setenv("AWS_CONFIG_FILE", tmp_file("[profile ops]\nmax_attempts = lots\n"), 1);
    setenv("AWS_PROFILE", "ops", 1);
    sl_err err = SL_ERR_INIT;
    CHECK_INT(load_fail(&err), SL_ECONFIG);
    CHECK_HAS(err.message, "max_attempts");
    CHECK_HAS(err.message, "lots");
    CHECK_HAS(err.message, "'ops'");
    env_end();
}

/* ---- endpoints ------------------------------------------------------------- */

static void check_ep(const sl_config *cfg, const char *id, const char *key, const char *want)
{
    char *ep = sl_config_endpoint(cfg, id, key);
    if (want) {
        CHECK_MSG(ep && strcmp(ep, want) == 0, "endpoint(%s) = %s, expected %s", id,
                  ep ? ep : "NULL", want);
    } else {
        CHECK_MSG(ep == NULL, "endpoint(%s) = %s, expected NULL", id, ep);
    }
    free(ep);
}

static void test_config__endpoint_precedence(void)
{
    env_begin();
    setenv("AWS_CONFIG_FILE", tmp_file("[profile p]\nendpoint_url = http://profile-global\n"
                                       "services = svc\n"
                                       "[services svc]\ns3 =\n  endpoint_url = http://svc-s3\n"),
           1);
    setenv("AWS_PROFILE", "p", 1);
    setenv("AWS_ENDPOINT_URL_S3", "http://env-s3", 1);
    setenv("AWS_ENDPOINT_URL", "http://env-global", 1);
    sl_config cfg;
    load_ok(&cfg);
    CHECK_STR(cfg.endpoint_url, "http://env-global");
    check_ep(&cfg, "S3", "s3", "http://env-s3");            /* 1: per-service env */
    check_ep(&cfg, "SQS", "sqs", "http://env-global");       /* 3: global env */
    unsetenv("AWS_ENDPOINT_URL_S3");
    check_ep(&cfg, "S3", "s3", "http://svc-s3");            /* 2: services section */
    sl_config_cleanup(&cfg);

    unsetenv("AWS_ENDPOINT_URL");
    load_ok(&cfg);
    CHECK_STR(cfg.endpoint_url, "http://profile-global");
    check_ep(&cfg, "S3", "s3", "http://svc-s3");
    check_ep(&cfg, "SQS", "sqs", "http://profile-global");   /* 4: profile endpoint_url */
    /* service ids are upper-cased, spaces and dashes become '_' */
    setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://env-logs", 1);
    check_ep(&cfg, "CloudWatch Logs", "cloudwatch_logs", "http://env-logs");
    check_ep(&cfg, "cloudwatch-logs", "cloudwatch_logs", "http://env-logs");
    sl_config_cleanup(&cfg);

    setenv("AWS_CONFIG_FILE", tmp_file("[profile p]\nregion = x\n"), 1);
    load_ok(&cfg);
    check_ep(&cfg, "S3", "s3", NULL);
    check_ep(&cfg, "DYNAMODB", "dynamodb", NULL);
    sl_config_cleanup(&cfg);
    env_end();
}

static void test_config__ignore_endpoints(void)
{
    env_begin();
    setenv("AWS_CONFIG_FILE", tmp_file("[default]\nendpoint_url = http://profile-global\n"
                                       "services = s\n[services s]\nsqs =\n"
                                       "  endpoint_url = http://svc-sqs\n"), 1);
    setenv("AWS_ENDPOINT_URL", "http://env-global", 1);
    setenv("AWS_ENDPOINT_URL_S3", "http://env-s3", 1);
    static const struct { const char *v; int ignored; } cases[] = {
        {"true", 1}, {"TRUE", 1}, {"false", 0}, {"yes", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", cases[i].v, 1);
        sl_config cfg;
        load_ok(&cfg);
        CHECK_INT(cfg.ignore_endpoints, cases[i].ignored);
        check_ep(&cfg, "S3", "s3", cases[i].ignored ? NULL : "http://env-s3");
        check_ep(&cfg, "SQS", "sqs", cases[i].ignored ? NULL : "http://svc-sqs");
        check_ep(&cfg, "SNS", "sns", cases[i].ignored ? NULL : "http://env-global");
        if (cases[i].ignored)
            CHECK_NULL(cfg.endpoint_url);
        sl_config_cleanup(&cfg);
    }
    /* The profile setting works too; an explicit env "false" overrides it. */
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    setenv("AWS_CONFIG_FILE", tmp_file("[default]\nignore_configured_endpoint_urls = true\n"
                                       "endpoint_url = http://profile-global\n"), 1);
    sl_config cfg;
    load_ok(&cfg);
    CHECK_INT(cfg.ignore_endpoints, 1);
    check_ep(&cfg, "SNS", "sns", NULL);
    sl_config_cleanup(&cfg);
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", 1);
    load_ok(&cfg);
    CHECK_INT(cfg.ignore_endpoints, 0);
    check_ep(&cfg, "SNS", "sns", "http://env-global");
    sl_config_cleanup(&cfg);
    env_end();
}

/* The example of aws-wire-notes section 2, as boto3 reads it. */
static void test_config__services_example(void)
{
    env_begin();
    setenv("AWS_CONFIG_FILE", tmp_file("[profile local]\n"
                                       "region = us-east-1\n"
                                       "services = local-moto\n"
                                       "[services local-moto]\n"
                                       "s3 =\n"
                                       "  endpoint_url = http://127.0.0.1:5150\n"
                                       "sqs =\n"
                                       "  endpoint_url = http://127.0.0.1:5151\n"), 1);
    setenv("AWS_PROFILE", "local", 1);
    sl_config cfg;
    load_ok(&cfg);
    CHECK_STR(cfg.region, "us-east-1");
    CHECK_NULL(cfg.endpoint_url);
    check_ep(&cfg, "S3", "s3", "http://127.0.0.1:5150");
    check_ep(&cfg, "SQS", "sqs", "http://127.0.0.1:5151");
    check_ep(&cfg, "DYNAMODB", "dynamodb", NULL);
    CHECK_STR(sl_ini_get(cfg.config_file, "services local-moto", "s3"), "");
    sl_config_cleanup(&cfg);
    env_end();
}

/* ---- the INI reader ---------------------------------------------------------- */

static sl_ini *parse_ok(const char *text, size_t len)
{
    sl_ini *ini = NULL;
    sl_err err = SL_ERR_INIT;
    CHECK_OK(sl_ini_parse(&ini, text, len, "t.ini", &err), &err);
    CHECK(ini != NULL);
    return ini;
}

static void test_config__ini_robust(void)
{
    static const char text[] =
        "\xEF\xBB\xBF# leading comment\r\n"
        "; another\r\n"
        "\r\n"
        "[ profile   dev ]\r\n"
        "\tRegion\t=\tus-west-2 \r\n"
        "   \r\n"
        "key=a=b\r\n"
        "dup = first\r\n"
        "dup = second\r\n"
        "s3 =\r\n"
        "  # a comment inside the sub-section\r\n"
        "  endpoint_url = http://x:1\r\n"
        "\taddressing_style=path\r\n"
        "after = top\r\n"
        "multi = one\r\n"
        "  two\r\n"
        "[default] # trailing comment\n"
        "region = us-east-1\n"
        "[profile dev]\n"
        "extra = merged\n"
        "empty =\n"
        "last = no-newline";
    sl_ini *ini = parse_ok(text, sizeof text - 1);
    CHECK(sl_ini_has_section(ini, "profile dev"));
    CHECK(!sl_ini_has_section(ini, "profile"));
    CHECK_STR(sl_ini_get(ini, "profile dev", "region"), "us-west-2");
    CHECK_STR(sl_ini_get(ini, "profile dev", "REGION"), "us-west-2");
    CHECK_STR(sl_ini_get(ini, "profile dev", "key"), "a=b");
    CHECK_STR(sl_ini_get(ini, "profile dev", "dup"), "second");
    CHECK_STR(sl_ini_get(ini, "profile dev", "s3"), "");
    CHECK_STR(sl_ini_sub_get(ini, "profile dev", "s3", "endpoint_url"), "http://x:1");
    CHECK_STR(sl_ini_sub_get(ini, "profile dev", "s3", "addressing_style"), "path");
    CHECK_STR(sl_ini_get(ini, "profile dev", "after"), "top");
    CHECK_STR(sl_ini_get(ini, "profile dev", "multi"), "one\ntwo");
    CHECK_STR(sl_ini_get(ini, "profile dev", "extra"), "merged");
    CHECK_STR(sl_ini_get(ini, "profile dev", "empty"), "");
    CHECK_STR(sl_ini_get(ini, "profile dev", "last"), "no-newline");
    CHECK_STR(sl_ini_get(ini, "default", "region"), "us-east-1");
    CHECK_NULL(sl_ini_get(ini, "default", "after"));
    CHECK_NULL(sl_ini_sub_get(ini, "profile dev", "after", "x"));
    CHECK_NULL(sl_ini_get(ini, "nope", "region"));
    sl_ini_free(ini);

    /* Empty and comment-only files are valid and empty. */
    ini = parse_ok("", 0);
    CHECK(!sl_ini_has_section(ini, "default"));
    sl_ini_free(ini);
    ini = parse_ok("# only\n;comments\n\n", 18);
    sl_ini_free(ini);
    sl_ini_free(NULL);
}

static void test_config__ini_long_lines(void)
{
    env_begin();
    size_t n = 300000;
    char *text = malloc(n + 64);
    CHECK(text != NULL);
    int off = sprintf(text, "[default]\nregion = ");
    memset(text + off, 'r', n);
    sprintf(text + off + n, "\nother = ok");
    const char *path = tmp_file(text);
    sl_ini *ini = NULL;
    sl_err err = SL_ERR_INIT;
    CHECK_OK(sl_ini_load(&ini, path, &err), &err);
    const char *v = sl_ini_get(ini, "default", "region");
    CHECK(v != NULL);
    CHECK_INT(strlen(v), n);
    CHECK(v[0] == 'r' && v[n - 1] == 'r');
    CHECK_STR(sl_ini_get(ini, "default", "other"), "ok");
    sl_ini_free(ini);
    free(text);

    CHECK_INT(sl_ini_load(&ini, "/tmp/sluice-cfg-no-such-file", &err), SL_ENOTFOUND);
    CHECK(ini == NULL);
    CHECK_INT(sl_ini_load(&ini, "/tmp", &err), SL_ECONFIG);    /* a directory */
    CHECK_HAS(err.message, "/tmp");
    env_end();
}

static void test_config__ini_garbage(void)
{
    static const struct { const char *text; size_t len; int line; } cases[] = {
        {"[default\nregion = x\n", 0, 1},
        {"region = SECRETGARBAGE\n[default]\n", 0, 1},
        {"[default]\nSECRETGARBAGE\n", 0, 2},
        {"[default]\r\nregion = x\r\n= SECRETGARBAGE\r\n", 0, 3},
        {"[]\n", 0, 1},
        {"[ \t ]\n", 0, 1},
        {"[default]\nk = v\n[a]SECRETGARBAGE]\n", 0, 3},
        {"[default]\ns3 =\n  SECRETGARBAGE\n", 0, 3},
        {"[default]\nk = v\n\nSECRETGARBAGE", 0, 4},      /* no final newline */
        {"[default]\nk = SECRET\0GARBAGE\n", 28, 2},       /* NUL byte */
        {"\n\n\n\n[x]\n]SECRETGARBAGE[\n", 0, 6},
        {"[default] SECRETGARBAGE\n", 0, 1},
        {"[default]\n[profile x\n", 0, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
        sl_ini *ini = (sl_ini *)1;
        sl_err err = SL_ERR_INIT;
        int rc = sl_ini_parse(&ini, cases[i].text, len, "/some/dir/config", &err);
        CHECK_MSG(rc == SL_ECONFIG, "case %zu: rc %d", i, rc);
        CHECK(ini == NULL);
        CHECK_INT(err.code, SL_ECONFIG);
        char want[64];
        snprintf(want, sizeof want, "/some/dir/config:%d: ", cases[i].line);
        CHECK_MSG(strncmp(err.message, want, strlen(want)) == 0, "case %zu: \"%s\" lacks \"%s\"",
                  i, err.message, want);
        CHECK_MSG(!strstr(err.message, "SECRET"), "case %zu leaks the line: %s", i,
                  err.message);
    }
    /* Through sl_config_load: the file's path and line are named. */
    env_begin();
    const char *path = tmp_file("[default]\nregion = us-east-1\nthis is not ini\n");
    setenv("AWS_CONFIG_FILE", path, 1);
    sl_err err = SL_ERR_INIT;
    CHECK_INT(load_fail(&err), SL_ECONFIG);
    CHECK_HAS(err.message, path);
    CHECK_HAS(err.message, ":3:");
    /* A very long path is shortened, keeping the line number. */
    char longname[400];
    memset(longname, 'd', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    sl_ini *ini = NULL;
    CHECK_INT(sl_ini_parse(&ini, "x", 1, longname, &err), SL_ECONFIG);
    CHECK_HAS(err.message, "...ddd");
    CHECK_HAS(err.message, ":1: ");
    env_end();
}

/* Random and mutated inputs: either a parse or a clean SL_ECONFIG, never a crash
 * (meaningful under `make SAN=1`). */
static void test_config__ini_fuzz(void)
{
    static const char alphabet[] = "[]= \t\r\n#;abcprofile_s3\xEF\xBB\xBF\0";
    static const char seed[] = "[profile a]\nregion = x\nservices = s\n[services s]\n"
                               "s3 =\n  endpoint_url = http://h\nk = v\n";
    uint64_t x = 0x9E3779B97F4A7C15ull;
    char buf[512];
    int parsed = 0, rejected = 0;
    for (int iter = 0; iter < 20000; iter++) {
        size_t len;
        if (iter % 2) {
            len = sizeof seed - 1;
            memcpy(buf, seed, len);
            for (int m = 0; m < 3; m++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                buf[x % len] = alphabet[(x >> 32) % (sizeof alphabet - 1)];
            }
        } else {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            len = x % sizeof buf;
            for (size_t i = 0; i < len; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                buf[i] = (x >> 40) % 8 ? alphabet[(x >> 16) % (sizeof alphabet - 1)]
                                        : (char)(x >> 24);
            }
        }
        sl_ini *ini = NULL;
        sl_err err = SL_ERR_INIT;
        int rc = sl_ini_parse(&ini, buf, len, "fuzz", &err);
        CHECK_MSG(rc == 0 || rc == SL_ECONFIG, "iteration %d: rc %d", iter, rc);
        CHECK((rc == 0) == (ini != NULL));
        if (ini) {
            (void)sl_ini_get(ini, "profile a", "region");
            (void)sl_ini_sub_get(ini, "services s", "s3", "endpoint_url");
            parsed++;
        } else {
            CHECK(strncmp(err.message, "fuzz:", 5) == 0);
            rejected++;
        }
        sl_ini_free(ini);
    }
    CHECK(parsed > 100 && rejected > 100);  /* both paths were exercised */
}

int main(int argc, char **argv)
{
    static const test_case cases[] = {
        TEST_CASE(test_config__defaults),
        TEST_CASE(test_config__home_files),
        TEST_CASE(test_config__file_env_override),
        TEST_CASE(test_config__region_order),
        TEST_CASE(test_config__profile_select),
        TEST_CASE(test_config__creds_file_wins),
        TEST_CASE(test_config__max_attempts),
        TEST_CASE(test_config__endpoint_precedence),
        TEST_CASE(test_config__ignore_endpoints),
        TEST_CASE(test_config__services_example),
        TEST_CASE(test_config__ini_robust),
        TEST_CASE(test_config__ini_long_lines),
        TEST_CASE(test_config__ini_garbage),
        TEST_CASE(test_config__ini_fuzz),
    };
    int rc = test_main(cases, sizeof cases / sizeof *cases, argc, argv);
    files_cleanup();
    env_restore();
    return rc;
}
