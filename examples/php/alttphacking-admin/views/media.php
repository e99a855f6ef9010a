<?php namespace Alttp\Admin; /** In scope: $form, $media (MediaAsset arrays, newest first), $maxImage (bytes). */ ?>
<?= error_summary($form) ?>
<form method="post" action="/media" enctype="multipart/form-data" novalidate>
  <?= csrf_field() ?>
  <fieldset>
    <legend>Upload an image</legend>
    <?= file_field($form, 'image', 'Image file', sprintf('PNG, JPEG, GIF or WebP, at most %.1f MiB.', $maxImage / 1048576)) ?>
    <?= text_field($form, 'image_alt', 'Image description', ['required' => true, 'maxlength' => 300, 'hint' => 'What the image shows; kept as its title on Halext.']) ?>
  </fieldset>
  <button type="submit">Upload</button>
</form>
<h2>Media library</h2>
<?php if ($media === []): ?>
<p>No uploads yet.</p>
<?php else: ?>
<ul class="media-grid">
  <?php foreach ($media as $m): ?>
  <li>
    <img src="<?= e($m['public_url']) ?>" alt="<?= e($m['title'] ?? '') ?>">
    <p><?= e($m['title'] ?? '(untitled)') ?><br><small><?= e(format_time($m['created_at'] ?? null)) ?></small></p>
    <label>Address <input type="text" readonly value="<?= e($m['public_url']) ?>"></label>
  </li>
  <?php endforeach; ?>
</ul>
<?php endif; ?>
<p class="hint">Halext keeps uploads for good: there is no delete.</p>
