<?php

/*
 * Hacks and resources: Halext site pages (halext-api.md §3.2) through
 * `Client::adminPages/createPage/updatePage/deletePage`. The two sections share Halext's one
 * page list and are told apart by the slug prefix (`hack-…`, `resource-…`). A page here is a
 * title, a summary, one `text` section (the description), an optional link (`nav_links`: the
 * patch download or the resource) and an optional hero image from the media library.
 */

declare(strict_types=1);

namespace Alttp\Admin;

use Halext\ApiException;

/** The page sections: route => labels and slug prefix. */
const PAGE_KINDS = [
    'hacks' => [
        'prefix' => 'hack-', 'plural' => 'Hacks', 'singular' => 'hack',
        'link_label' => 'Download', 'link_hint' => 'Where to download the patch (https://…).',
    ],
    'resources' => [
        'prefix' => 'resource-', 'plural' => 'Resources', 'singular' => 'resource',
        'link_label' => 'Open', 'link_hint' => 'The resource itself: a document, a tool, a disassembly (https://…).',
    ],
];

/** Halext SitePage field => form field, for Halext's field errors. */
const PAGE_FIELDS = [
    'slug' => 'slug', 'title' => 'title', 'summary' => 'summary', 'sections' => 'body',
    'nav_links' => 'link_url', 'hero_image_url' => 'hero_image_url', 'is_published' => 'is_published',
];

/** GET /hacks, /resources. */
function pages_list_page(string $kind): void
{
    $admin = require_admin();
    $k = PAGE_KINDS[$kind];
    $pages = array_values(array_filter(
        admin_call(fn () => client()->adminPages($admin['token'])),
        fn ($p) => str_starts_with((string) $p['slug'], $k['prefix']),
    ));
    render('pages_list', ['title' => $k['plural'], 'admin' => $admin, 'kind' => $kind, 'k' => $k,
        'pages' => $pages, 'flash' => take_flash()]);
}

/** GET/POST /hacks/new, /hacks/edit?id=… (and the same for resources). */
function page_form_page(string $kind, bool $editing): void
{
    $admin = require_admin();
    $k = PAGE_KINDS[$kind];
    $page = null;
    if ($editing) {
        $page = find_page($admin['token'], $kind, query_string('id'));
        if ($page === null) {
            not_found($admin, "No {$k['singular']} has this id.");
        }
    }
    $form = $page === null ? new Form() : new Form(page_to_values($page, $k));
    if (is_post()) {
        $form = page_form_from_post($page, $k);
        if ($form->ok()) {
            $fields = [
                'title' => $form->value('title'),
                'summary' => $form->value('summary'),
                'sections' => [['type' => 'text', 'body' => $form->value('body')]],
                'nav_links' => $form->value('link_url') === '' ? []
                    : [['label' => $k['link_label'], 'url' => $form->value('link_url')]],
                'hero_image_url' => $form->value('hero_image_url'),
                'is_published' => $form->value('is_published') === '1',
            ];
            if ($page === null && $fields['hero_image_url'] === '') {
                unset($fields['hero_image_url']);   // on update, '' clears the image
            }
            try {
                $saved = $page === null
                    ? admin_call(fn () => client()->createPage($admin['token'], $fields + ['slug' => $k['prefix'] . $form->value('slug')]))
                    : admin_call(fn () => client()->updatePage($admin['token'], (int) $page['id'], $fields));
                flash(sprintf('%s “%s” saved%s.', ucfirst($k['singular']), $saved['title'], $saved['is_published'] ? ' and published' : ' as a draft'));
                redirect('/' . $kind);
            } catch (ApiException $e) {
                api_error_to_form($form, $e, PAGE_FIELDS);
            }
        }
    }
    $media = [];
    try {
        $media = admin_call(fn () => client()->listMedia($admin['token']));
    } catch (ApiException) {
        // only the suggestions are missing
    }
    render('page_form', [
        'title' => $page === null ? 'Add a ' . $k['singular'] : 'Edit “' . $page['title'] . '”',
        'admin' => $admin, 'form' => $form, 'page' => $page, 'kind' => $kind, 'k' => $k, 'media' => $media,
    ], $form->ok() ? 200 : 422);
}

/** @return array<string, string> */
function page_to_values(array $page, array $k): array
{
    $body = '';
    foreach ($page['sections'] ?? [] as $s) {
        if (($s['type'] ?? '') === 'text') {
            $body = (string) ($s['body'] ?? '');
            break;
        }
    }
    return [
        'title' => $page['title'], 'slug' => substr($page['slug'], strlen($k['prefix'])),
        'summary' => $page['summary'] ?? '', 'body' => $body,
        'link_url' => (string) ($page['nav_links'][0]['url'] ?? ''),
        'hero_image_url' => $page['hero_image_url'] ?? '', 'is_published' => $page['is_published'] ? '1' : '',
    ];
}

function page_form_from_post(?array $page, array $k): Form
{
    $form = new Form([
        'title' => trim(post_string('title')),
        'slug' => $page === null ? strtolower(trim(post_string('slug'))) : substr($page['slug'], strlen($k['prefix'])),
        'summary' => trim(post_string('summary')),
        'body' => str_replace("\r\n", "\n", post_string('body')),
        'link_url' => trim(post_string('link_url')),
        'hero_image_url' => trim(post_string('hero_image_url')),
        'is_published' => post_string('is_published') === '1' ? '1' : '',
    ]);
    if ($form->value('title') === '') {
        $form->error('title', 'Enter a title.');
    } elseif (mb_strlen($form->value('title')) > 200) {
        $form->error('title', 'The title can be at most 200 characters.');
    }
    if ($page === null) {
        if ($form->value('slug') === '') {
            $form->values['slug'] = slugify($form->value('title'));
        }
        check_slug($form, 'slug', $form->value('slug'));
    }
    if (mb_strlen($form->value('summary')) > 500) {
        $form->error('summary', 'The summary can be at most 500 characters.');
    }
    foreach (['link_url' => 'link', 'hero_image_url' => 'image address'] as $field => $what) {
        if ($form->value($field) !== '' && !is_web_url($form->value($field))) {
            $form->error($field, "The {$what} must be a full http:// or https:// address.");
        }
    }
    return $form;
}

/** GET/POST /hacks/delete?id=… (and resources). */
function page_delete_page(string $kind): void
{
    $admin = require_admin();
    $k = PAGE_KINDS[$kind];
    $page = find_page($admin['token'], $kind, query_string('id'));
    if ($page === null) {
        not_found($admin, "No {$k['singular']} has this id.");
    }
    $form = new Form();
    if (is_post()) {
        try {
            admin_call(fn () => client()->deletePage($admin['token'], (int) $page['id']));
            flash(sprintf('%s “%s” deleted.', ucfirst($k['singular']), $page['title']));
            redirect('/' . $kind);
        } catch (ApiException $e) {
            api_error_to_form($form, $e, []);
        }
    }
    render('confirm_delete', [
        'title' => 'Delete “' . $page['title'] . '”?', 'admin' => $admin, 'form' => $form,
        'what' => $k['singular'], 'name' => $page['title'], 'back' => '/' . $kind,
        'action' => '/' . $kind . '/delete?id=' . (int) $page['id'],
    ], $form->ok() ? 200 : 502);
}

/** The page of this section with this id, or null. */
function find_page(string $token, string $kind, string $id): ?array
{
    if (preg_match('/^[1-9][0-9]{0,17}$/', $id) !== 1) {
        return null;
    }
    foreach (admin_call(fn () => client()->adminPages($token)) as $p) {
        if ($p['id'] === (int) $id && str_starts_with((string) $p['slug'], PAGE_KINDS[$kind]['prefix'])) {
            return $p;
        }
    }
    return null;
}
