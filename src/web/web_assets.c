/* SPDX-License-Identifier: Apache-2.0 */
/* Lookups in the dashboard's built-in files (web_assets.h). */
#include "web_assets.h"

#include <string.h>

const struct web_asset *web_asset_find(const char *path)
{
    for (size_t i = 0; i < web_asset_count; i++) {
        if (strcmp(web_assets[i].path, path) == 0)
            return &web_assets[i];
    }
    return NULL;
}

const char *web_asset_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot != NULL && i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    }
    return "application/octet-stream";
}
