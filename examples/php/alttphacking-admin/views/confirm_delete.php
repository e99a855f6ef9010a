<?php namespace Alttp\Admin; /** In scope: $form, $what, $name, $action, $back. */ ?>
<?= error_summary($form) ?>
<p>The <?= e($what) ?> <strong><?= e($name) ?></strong> will be deleted from Halext. This cannot be undone.</p>
<form method="post" action="<?= e($action) ?>">
  <?= csrf_field() ?>
  <button type="submit" class="danger">Delete <?= e($what) ?></button>
  <a href="<?= e($back) ?>">Cancel</a>
</form>
