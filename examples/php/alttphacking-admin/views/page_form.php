<?php namespace Alttp\Admin;
/** In scope: $form, $page (SitePage or null), $kind, $k (PAGE_KINDS entry), $media (MediaAsset arrays). */
$action = '/' . $kind . ($page === null ? '/new' : '/edit?id=' . (int) $page['id']);
?>
<?= error_summary($form) ?>
<form method="post" action="<?= e($action) ?>" novalidate>
  <?= csrf_field() ?>
  <fieldset>
    <legend><?= e(ucfirst($k['singular'])) ?></legend>
    <?= text_field($form, 'title', 'Title', ['required' => true, 'maxlength' => 200]) ?>
    <?php if ($page === null): ?>
    <?= text_field($form, 'slug', 'Address (slug)', ['maxlength' => 80,
        'hint' => 'Saved as ' . $k['prefix'] . '<slug>. Lower-case letters, digits and hyphens; empty: made from the title. It cannot change later.']) ?>
    <?php else: ?>
    <p class="readonly">Address (slug): <code><?= e($page['slug']) ?></code> (cannot change)</p>
    <?php endif; ?>
    <?= text_field($form, 'summary', 'Summary', ['maxlength' => 500]) ?>
    <?= textarea_field($form, 'body', 'Description', ['rows' => 8]) ?>
    <?= text_field($form, 'link_url', $k['link_label'] . ' link', ['type' => 'url', 'hint' => $k['link_hint']]) ?>
    <?= text_field($form, 'hero_image_url', 'Image address', ['type' => 'url', 'list' => 'media-urls',
        'hint' => 'Optional: the address of an image from the Media page.']) ?>
    <datalist id="media-urls">
      <?php foreach ($media as $m): ?><option value="<?= e($m['public_url']) ?>"><?= e($m['title'] ?? '') ?></option><?php endforeach; ?>
    </datalist>
    <div class="field checkbox">
      <input type="checkbox" id="f-is_published" name="is_published" value="1"<?= $form->value('is_published') === '1' ? ' checked' : '' ?>>
      <label for="f-is_published">Published (visible on the public site)</label>
    </div>
  </fieldset>
  <button type="submit">Save <?= e($k['singular']) ?></button>
  <a href="/<?= e($kind) ?>">Cancel</a>
</form>
