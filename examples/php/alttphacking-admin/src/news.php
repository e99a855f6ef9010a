<?php

/*
 * News: ALTTP news items as Halext blog posts (halext-api.md §3.1), through
 * `Client::adminBlogPosts/createBlogPost/updateBlogPost/deleteBlogPost`.
 *
 * An image chosen in the form goes to Halext's media library first (`uploadMedia`), then the
 * post links it as `hero_image_url` and embeds it at the top of the Markdown body as
 * `![description](url)`, so the description (alt text) travels with the post. When Halext
 * then refuses the post (e.g. "Slug already exists"), the uploaded image is kept in the form
 * and reused on the next try: nothing is uploaded twice and nothing typed is lost.
 */

declare(strict_types=1);

namespace Alttp\Admin;

use Halext\ApiException;

/** Halext BlogPost field => form field, for Halext's field errors. */
const NEWS_FIELDS = [
    'slug' => 'slug', 'title' => 'title', 'body_markdown' => 'body', 'summary' => 'summary',
    'tags' => 'tags', 'status' => 'status', 'hero_image_url' => 'image', 'file' => 'image',
];

/** GET /news. */
function news_list_page(): void
{
    $admin = require_admin();
    $posts = admin_call(fn () => client()->adminBlogPosts($admin['token']));
    render('news_list', ['title' => 'News', 'admin' => $admin, 'posts' => $posts, 'flash' => take_flash()]);
}

/** GET/POST /news/new and /news/edit?slug=… */
function news_form_page(bool $editing): void
{
    $admin = require_admin();
    $post = null;
    if ($editing) {
        $post = find_post($admin['token'], query_string('slug'));
        if ($post === null) {
            not_found($admin, 'No news item has this address.');
        }
    }
    $form = $post === null
        ? new Form(['status' => 'draft'])
        : new Form([
            'title' => $post['title'], 'slug' => $post['slug'], 'summary' => $post['summary'] ?? '',
            'body' => $post['body_markdown'], 'tags' => implode(', ', $post['tags'] ?? []),
            'status' => $post['status'] === 'published' ? 'published' : 'draft',
        ]);
    if (is_post()) {
        $form = news_form_from_post($post);
        $saved = save_news($admin['token'], $form, $post);
        if ($saved !== null) {
            flash(sprintf('News item “%s” %s.', $saved['title'], $saved['status'] === 'published' ? 'published' : 'saved as a draft'));
            redirect('/news');
        }
    }
    render('news_form', [
        'title' => $post === null ? 'Write a news item' : 'Edit “' . $post['title'] . '”',
        'admin' => $admin, 'form' => $form, 'post' => $post, 'maxImage' => max_image_bytes(),
    ], $form->ok() ? 200 : 422);
}

/** The form's values from the POST body, checked locally (the rules Halext does not enforce). */
function news_form_from_post(?array $post): Form
{
    $form = new Form([
        'title' => trim(post_string('title')),
        'slug' => $post === null ? strtolower(trim(post_string('slug'))) : $post['slug'],
        'summary' => trim(post_string('summary')),
        'body' => str_replace("\r\n", "\n", post_string('body')),
        'tags' => trim(post_string('tags')),
        'status' => post_string('status'),
        'image_alt' => trim(post_string('image_alt')),
        'remove_image' => post_string('remove_image') === '1' ? '1' : '',
        'pending_image_url' => '',
        'pending_image_alt' => '',
    ]);
    $pending = post_string('pending_image_url');
    if ($pending !== '' && is_web_url($pending)) {
        $form->values['pending_image_url'] = $pending;
        $form->values['pending_image_alt'] = trim(post_string('pending_image_alt'));
    }
    if ($form->value('title') === '') {
        $form->error('title', 'Enter a title.');
    } elseif (mb_strlen($form->value('title')) > 200) {
        $form->error('title', 'The title can be at most 200 characters.');
    }
    if ($post === null) {
        if ($form->value('slug') === '') {
            $form->values['slug'] = slugify($form->value('title'));
        }
        check_slug($form, 'slug', $form->value('slug'));
    }
    if (mb_strlen($form->value('summary')) > 500) {
        $form->error('summary', 'The summary can be at most 500 characters.');
    }
    if (trim($form->value('body')) === '') {
        $form->error('body', 'Write the news item.');
    }
    if (!in_array($form->value('status'), ['draft', 'published'], true)) {
        $form->error('status', 'Choose draft or published.');
    }
    $tags = parse_tags($form->value('tags'));
    if (count($tags) > 10 || array_filter($tags, fn ($t) => mb_strlen($t) > 40) !== []) {
        $form->error('tags', 'Use at most 10 tags of at most 40 characters each.');
    }
    return $form;
}

/**
 * Uploads the image (if any) and creates or updates the post; returns the saved post, or null
 * with the problems on the form.
 */
function save_news(string $token, Form $form, ?array $post): ?array
{
    $image = checked_image($form, 'image');
    if ($image !== null && $form->value('image_alt') === '') {
        $form->error('image_alt', 'Describe the image for people who cannot see it.');
    }
    if (!$form->ok()) {
        return null;
    }
    if ($image !== null) {
        try {
            $asset = upload_image($token, $image, $form->value('image_alt'));
        } catch (ApiException $e) {
            api_error_to_form($form, $e, ['file' => 'image', 'title' => 'image_alt']);
            return null;
        }
        $form->values['pending_image_url'] = (string) $asset['public_url'];
        $form->values['pending_image_alt'] = $form->value('image_alt');
    }
    $newUrl = $form->value('pending_image_url');
    $newAlt = $form->value('pending_image_alt');
    $body = $form->value('body');
    $fields = [
        'title' => $form->value('title'),
        'summary' => $form->value('summary'),
        'tags' => parse_tags($form->value('tags')),
        'status' => $form->value('status'),
    ];
    try {
        if ($post === null) {
            if ($newUrl !== '') {
                $body = embed_image($body, null, $newUrl, $newAlt);
                $fields['hero_image_url'] = $newUrl;
            }
            return admin_call(fn () => client()->createBlogPost($token, $fields + [
                'slug' => $form->value('slug'), 'body_markdown' => $body,
            ]));
        }
        $old = (string) ($post['hero_image_url'] ?? '');
        if ($newUrl !== '') {
            $body = embed_image($body, $old === '' ? null : $old, $newUrl, $newAlt);
            $fields['hero_image_url'] = $newUrl;
        } elseif ($form->value('remove_image') === '1' && $old !== '') {
            $body = remove_embedded_image($body, $old);
            $fields['hero_image_url'] = '';   // the client cannot send null; '' means "no image"
        }
        return admin_call(fn () => client()->updateBlogPost($token, $post['slug'], $fields + ['body_markdown' => $body]));
    } catch (ApiException $e) {
        api_error_to_form($form, $e, NEWS_FIELDS);
        return null;
    }
}

/** GET/POST /news/delete?slug=…: a confirmation page, then the deletion. */
function news_delete_page(): void
{
    $admin = require_admin();
    $post = find_post($admin['token'], query_string('slug'));
    if ($post === null) {
        not_found($admin, 'No news item has this address.');
    }
    $form = new Form();
    if (is_post()) {
        try {
            admin_call(fn () => client()->deleteBlogPost($admin['token'], $post['slug']));
            flash(sprintf('News item “%s” deleted.', $post['title']));
            redirect('/news');
        } catch (ApiException $e) {
            api_error_to_form($form, $e, []);
        }
    }
    render('confirm_delete', [
        'title' => 'Delete “' . $post['title'] . '”?', 'admin' => $admin, 'form' => $form,
        'what' => 'news item', 'name' => $post['title'], 'back' => '/news',
        'action' => '/news/delete?slug=' . rawurlencode($post['slug']),
    ], $form->ok() ? 200 : 502);
}

/** The post with this slug from the admin list (Halext has no admin GET by slug), or null. */
function find_post(string $token, string $slug): ?array
{
    if ($slug === '') {
        return null;
    }
    foreach (admin_call(fn () => client()->adminBlogPosts($token)) as $p) {
        if ($p['slug'] === $slug) {
            return $p;
        }
    }
    return null;
}

/** Comma-separated tags: trimmed, empty ones dropped, duplicates removed, order kept. */
function parse_tags(string $tags): array
{
    return array_values(array_unique(array_filter(array_map('trim', explode(',', $tags)), fn ($t) => $t !== '')));
}

/**
 * Puts `![alt](url)` at the top of a Markdown body, replacing the embed of `$oldUrl` when the
 * body has one.
 */
function embed_image(string $body, ?string $oldUrl, string $url, string $alt): string
{
    $embed = '![' . markdown_alt($alt) . '](' . markdown_url($url) . ')';
    if ($oldUrl !== null) {
        $re = '/!\[(?:[^\]\\\\]|\\\\.)*\]\(' . preg_quote(markdown_url($oldUrl), '/') . '\)/';
        $replaced = preg_replace($re, str_replace(['\\', '$'], ['\\\\', '\\$'], $embed), $body, 1, $count);
        if ($count === 1 && is_string($replaced)) {
            return $replaced;
        }
    }
    return $embed . "\n\n" . ltrim($body, "\n");
}

/** Removes the embed of `$url` (and the blank line after it) from a Markdown body. */
function remove_embedded_image(string $body, string $url): string
{
    $re = '/!\[(?:[^\]\\\\]|\\\\.)*\]\(' . preg_quote(markdown_url($url), '/') . '\)\n{0,2}/';
    return (string) preg_replace($re, '', $body);
}

/**
 * The alt text of the embed of `$url` in a Markdown body ('' when the body has none): how the
 * public blog gets an image description from a post.
 */
function embedded_alt(string $body, string $url): string
{
    $re = '/!\[((?:[^\]\\\\]|\\\\.)*)\]\(' . preg_quote(markdown_url($url), '/') . '\)/';
    return preg_match($re, $body, $m) === 1 ? (string) preg_replace('/\\\\(.)/', '$1', $m[1]) : '';
}

/** Alt text safe inside `![…]`: one line, brackets and backslashes escaped. */
function markdown_alt(string $alt): string
{
    $alt = trim((string) preg_replace('/\s+/', ' ', $alt));
    return addcslashes($alt, '\\[]');
}

/** A URL safe inside `(…)`: spaces and parentheses percent-encoded. */
function markdown_url(string $url): string
{
    return str_replace([' ', '(', ')'], ['%20', '%28', '%29'], $url);
}

/** A slug from a title: lower case ASCII letters, digits and single hyphens. */
function slugify(string $title): string
{
    $ascii = function_exists('iconv') ? (string) @iconv('UTF-8', 'ASCII//TRANSLIT', $title) : $title;
    $slug = trim((string) preg_replace('/[^a-z0-9]+/', '-', strtolower($ascii)), '-');
    return substr($slug, 0, 80);
}

/** Slug rules (Halext enforces only uniqueness): 1–80 of a-z, 0-9 and single hyphens. */
function check_slug(Form $form, string $field, string $slug): void
{
    if ($slug === '') {
        $form->error($field, 'Enter an address (slug), e.g. "randomizer-v4-released".');
    } elseif (strlen($slug) > 80 || preg_match('/^[a-z0-9]+(?:-[a-z0-9]+)*$/', $slug) !== 1) {
        $form->error($field, 'Use lower-case letters, digits and single hyphens (at most 80), e.g. "randomizer-v4-released".');
    }
}

/** The 404 page, inside the admin. */
function not_found(?array $admin, string $message): never
{
    render('message', ['title' => 'Not found', 'admin' => $admin, 'message' => $message], 404);
    exit;
}
