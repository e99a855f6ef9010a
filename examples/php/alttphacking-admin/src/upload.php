<?php

/*
 * Image uploads: checked here (PHP upload status, size, real image type), then sent to Halext
 * with `Client::uploadMedia()` (POST /content/admin/media, multipart, admin only; halext-api.md
 * §3.4). Halext checks neither type nor size and has no delete, so the checks happen before
 * anything is sent.
 */

declare(strict_types=1);

namespace Alttp\Admin;

use Halext\ApiException;

/** Largest image accepted, in bytes (also capped by PHP's upload_max_filesize). */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** Image types accepted: MIME type => file extension. */
const IMAGE_TYPES = ['image/png' => 'png', 'image/jpeg' => 'jpg', 'image/gif' => 'gif', 'image/webp' => 'webp'];

/** The effective size limit in bytes: ours or PHP's upload_max_filesize, the smaller. */
function max_image_bytes(): int
{
    $ini = ini_parse_quantity((string) ini_get('upload_max_filesize'));
    return $ini > 0 ? min(MAX_IMAGE_BYTES, $ini) : MAX_IMAGE_BYTES;
}

/**
 * The checked upload of file field `$field`: `null` when no file was chosen, otherwise
 * `['path' => tmp file, 'mime' => ..., 'filename' => safe name]`. Problems become an error on
 * the field and `null`.
 *
 * @return array{path: string, mime: string, filename: string}|null
 */
function checked_image(Form $form, string $field): ?array
{
    $f = $_FILES[$field] ?? null;
    if (!is_array($f) || !is_int($f['error'] ?? null)) {
        return null;   // absent, or an array of files (name="image[]"): not this form
    }
    $limit = sprintf('%.1f MiB', max_image_bytes() / 1048576);
    switch ($f['error']) {
        case UPLOAD_ERR_NO_FILE:
            return null;
        case UPLOAD_ERR_OK:
            break;
        case UPLOAD_ERR_INI_SIZE:
        case UPLOAD_ERR_FORM_SIZE:
            $form->error($field, "The image is too large (the limit is {$limit}).");
            return null;
        default:
            $form->error($field, 'The image did not arrive completely. Please choose it again.');
            return null;
    }
    $path = (string) $f['tmp_name'];
    if (!is_uploaded_file($path)) {
        $form->error($field, 'The image did not arrive completely. Please choose it again.');
        return null;
    }
    if (filesize($path) > max_image_bytes()) {
        $form->error($field, "The image is too large (the limit is {$limit}).");
        return null;
    }
    $mime = (new \finfo(FILEINFO_MIME_TYPE))->file($path);
    if (!is_string($mime) || !isset(IMAGE_TYPES[$mime]) || @getimagesize($path) === false) {
        $form->error($field, 'Choose a PNG, JPEG, GIF or WebP image.');
        return null;
    }
    // The name Halext keeps only for its extension (it stores <uuid><ext>); keep it tidy anyway.
    $base = preg_replace('/[^A-Za-z0-9_-]+/', '-', pathinfo((string) ($f['name'] ?? ''), PATHINFO_FILENAME));
    $base = trim(substr((string) $base, 0, 60), '-');
    return ['path' => $path, 'mime' => $mime, 'filename' => ($base === '' ? 'image' : $base) . '.' . IMAGE_TYPES[$mime]];
}

/**
 * Uploads a checked image to Halext's media library and returns its MediaAsset
 * (`id`, `title`, `public_url`, `created_at` in Unix seconds, …).
 *
 * @param array{path: string, mime: string, filename: string} $image
 * @throws ApiException when Halext refuses or cannot be reached
 */
function upload_image(string $token, array $image, string $title): array
{
    return admin_call(fn () => client()->uploadMedia($token, $image['path'], [
        'title' => $title,
        'filename' => $image['filename'],
        'content_type' => $image['mime'],
    ]));
}

/** Whether `$url` is an absolute http(s) URL (what a Halext `public_url` is). */
function is_web_url(string $url): bool
{
    $scheme = strtolower((string) parse_url($url, PHP_URL_SCHEME));
    return ($scheme === 'https' || $scheme === 'http') && filter_var($url, FILTER_VALIDATE_URL) !== false;
}
