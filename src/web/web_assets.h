/* SPDX-License-Identifier: Apache-2.0 */
/* The dashboard's static files (assets/web), built into the program by cmake/EmbedWeb.cmake:
 * the machines it runs on have no internet, and an update cannot leave them half-installed. */
#ifndef PORTIER_WEB_ASSETS_H
#define PORTIER_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
    const char *path;          /* "/dashboard.css" */
    const unsigned char *data; /* size bytes, then a NUL */
    size_t size;
};

extern const struct web_asset web_assets[];
extern const size_t web_asset_count;

/* The asset at path, or NULL. */
const struct web_asset *web_asset_find(const char *path);
/* The Content-Type for path's extension. */
const char *web_asset_type(const char *path);

#endif
