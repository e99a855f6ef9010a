<?php

/*
 * The media library (halext-api.md §3.4): `Client::listMedia()` and `uploadMedia()`. Halext has
 * no media delete, so this page lists and uploads only.
 */

declare(strict_types=1);

namespace Alttp\Admin;

use Halext\ApiException;

/** GET/POST /media. */
function media_page(): void
{
    $admin = require_admin();
    $form = new Form();
    if (is_post()) {
        $form = new Form(['image_alt' => trim(post_string('image_alt'))]);
        $image = checked_image($form, 'image');
        if ($image === null && !isset($form->errors['image'])) {
            $form->error('image', 'Choose an image to upload.');
        }
        if ($form->value('image_alt') === '') {
            $form->error('image_alt', 'Describe the image for people who cannot see it.');
        }
        if ($form->ok() && $image !== null) {
            try {
                $asset = upload_image($admin['token'], $image, $form->value('image_alt'));
                flash('Uploaded. Its address: ' . $asset['public_url']);
                redirect('/media');
            } catch (ApiException $e) {
                api_error_to_form($form, $e, ['file' => 'image', 'title' => 'image_alt']);
            }
        }
    }
    $media = admin_call(fn () => client()->listMedia($admin['token']));
    render('media', ['title' => 'Media', 'admin' => $admin, 'form' => $form, 'media' => $media,
        'maxImage' => max_image_bytes(), 'flash' => $form->ok() ? take_flash() : null], $form->ok() ? 200 : 422);
}

/**
 * GET /blog: the public blog list, from `Client::publicBlog()` (GET /content/public/blog:
 * published posts only, newest first; no token). Shows what any visitor sees.
 */
function public_blog_page(): void
{
    $posts = client()->publicBlog(20);
    render('blog', ['title' => 'alttphacking.net news', 'posts' => $posts, 'public' => true]);
}
