<?php namespace Alttp\Admin; /** In scope: $kind ('hacks'|'resources'), $k (PAGE_KINDS entry), $pages (Halext SitePage arrays). */ ?>
<p><a class="button" href="/<?= e($kind) ?>/new">Add a <?= e($k['singular']) ?></a></p>
<?php if ($pages === []): ?>
<p>No <?= e(strtolower($k['plural'])) ?> yet.</p>
<?php else: ?>
<table>
  <caption><?= e($k['plural']) ?> (Halext site pages <code><?= e($k['prefix']) ?>…</code>)</caption>
  <thead><tr><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Link</th><th scope="col">Updated</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
  <tbody>
  <?php foreach ($pages as $p): $link = (string) ($p['nav_links'][0]['url'] ?? ''); ?>
    <tr>
      <th scope="row"><?= e($p['title']) ?><br><code><?= e($p['slug']) ?></code></th>
      <td><?= $p['is_published'] ? 'Published' : 'Draft' ?></td>
      <td><?= is_web_url($link) ? '<a href="' . e($link) . '" rel="noopener noreferrer">' . e($link) . '</a>' : ($link !== '' ? e($link) : '—') ?></td>
      <td><?= e(format_time($p['updated_at'] ?? null)) ?></td>
      <td class="actions">
        <a href="/<?= e($kind) ?>/edit?id=<?= (int) $p['id'] ?>">Edit<span class="visually-hidden"> “<?= e($p['title']) ?>”</span></a>
        <a href="/<?= e($kind) ?>/delete?id=<?= (int) $p['id'] ?>">Delete<span class="visually-hidden"> “<?= e($p['title']) ?>”</span></a>
      </td>
    </tr>
  <?php endforeach; ?>
  </tbody>
</table>
<?php endif; ?>
