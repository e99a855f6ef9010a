<?php namespace Alttp\Admin;
/** In scope: $form (Form), $post (the BlogPost being edited, or null), $maxImage (bytes). */
$action = $post === null ? '/news/new' : '/news/edit?slug=' . rawurlencode($post['slug']);
$current = $post['hero_image_url'] ?? '';
$pending = $form->value('pending_image_url');
?>
<?= error_summary($form) ?>
<form method="post" action="<?= e($action) ?>" enctype="multipart/form-data" novalidate>
  <?= csrf_field() ?>
  <fieldset>
    <legend>News item</legend>
    <?= text_field($form, 'title', 'Title', ['required' => true, 'maxlength' => 200]) ?>
    <?php if ($post === null): ?>
    <?= text_field($form, 'slug', 'Address (slug)', ['maxlength' => 80,
        'hint' => 'Lower-case letters, digits and hyphens, e.g. randomizer-v4-released. Leave empty to make one from the title. It cannot change later.']) ?>
    <?php else: ?>
    <p class="readonly">Address (slug): <code><?= e($post['slug']) ?></code> (cannot change)</p>
    <?php endif; ?>
    <?= text_field($form, 'summary', 'Summary', ['maxlength' => 500, 'hint' => 'One or two sentences for the news list.']) ?>
    <?= textarea_field($form, 'body', 'Text (Markdown)', ['required' => true, 'rows' => 10]) ?>
    <?= text_field($form, 'tags', 'Tags', ['hint' => 'Separated by commas, e.g. randomizer, release.']) ?>
  </fieldset>
  <fieldset>
    <legend>Image</legend>
    <?php if ($pending !== ''): ?>
    <div class="pending-image">
      <img class="thumb" src="<?= e($pending) ?>" alt="">
      <p>This image is already uploaded to Halext (“<?= e($form->value('pending_image_alt')) ?>”) and will be used when you save. Choose another file to replace it.</p>
      <input type="hidden" name="pending_image_url" value="<?= e($pending) ?>">
      <input type="hidden" name="pending_image_alt" value="<?= e($form->value('pending_image_alt')) ?>">
    </div>
    <?php elseif ($current !== ''): ?>
    <div class="current-image">
      <img class="thumb" src="<?= e($current) ?>" alt="">
      <p>Current image. Choose a file to replace it.</p>
      <div class="field checkbox">
        <input type="checkbox" id="f-remove_image" name="remove_image" value="1"<?= $form->value('remove_image') === '1' ? ' checked' : '' ?>>
        <label for="f-remove_image">Remove the image</label>
      </div>
    </div>
    <?php endif; ?>
    <?= file_field($form, 'image', 'Image file', sprintf('PNG, JPEG, GIF or WebP, at most %.1f MiB. It is uploaded to the Halext media library and shown at the top of the post.', $maxImage / 1048576)) ?>
    <?= text_field($form, 'image_alt', 'Image description', ['maxlength' => 300, 'hint' => 'What the image shows, for people who cannot see it. Needed with an image.']) ?>
  </fieldset>
  <fieldset class="radios<?= isset($form->errors['status']) ? ' has-error' : '' ?>" id="f-status" tabindex="-1"<?= isset($form->errors['status']) ? ' aria-describedby="f-status-error"' : '' ?>>
    <legend>Visibility</legend>
    <?php if (isset($form->errors['status'])): ?><p class="field-error" id="f-status-error"><span class="visually-hidden">Error: </span><?= e($form->errors['status']) ?></p><?php endif; ?>
    <div class="field checkbox">
      <input type="radio" id="f-status-draft" name="status" value="draft"<?= $form->value('status') !== 'published' ? ' checked' : '' ?>>
      <label for="f-status-draft">Draft (only admins see it)</label>
    </div>
    <div class="field checkbox">
      <input type="radio" id="f-status-published" name="status" value="published"<?= $form->value('status') === 'published' ? ' checked' : '' ?>>
      <label for="f-status-published">Published (on the public blog)</label>
    </div>
  </fieldset>
  <button type="submit">Save news item</button>
  <a href="/news">Cancel</a>
</form>
