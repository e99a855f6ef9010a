<?php namespace Alttp\Admin; /** In scope: $posts (Halext BlogPost arrays, newest created first). */ ?>
<p><a class="button" href="/news/new">Write a news item</a></p>
<?php if ($posts === []): ?>
<p>No news yet.</p>
<?php else: ?>
<table>
  <caption>News items on Halext (drafts included)</caption>
  <thead><tr><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Published</th><th scope="col">Image</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
  <tbody>
  <?php foreach ($posts as $p): ?>
    <tr>
      <th scope="row"><?= e($p['title']) ?><br><code><?= e($p['slug']) ?></code></th>
      <td><?= $p['status'] === 'published' ? 'Published' : 'Draft' ?></td>
      <td><?= e(format_time($p['published_at'] ?? null)) ?></td>
      <td><?php if (($p['hero_image_url'] ?? '') !== ''): ?><img class="thumb" src="<?= e($p['hero_image_url']) ?>" alt=""><?php else: ?>—<?php endif; ?></td>
      <td class="actions">
        <a href="/news/edit?slug=<?= e(rawurlencode($p['slug'])) ?>">Edit<span class="visually-hidden"> “<?= e($p['title']) ?>”</span></a>
        <a href="/news/delete?slug=<?= e(rawurlencode($p['slug'])) ?>">Delete<span class="visually-hidden"> “<?= e($p['title']) ?>”</span></a>
      </td>
    </tr>
  <?php endforeach; ?>
  </tbody>
</table>
<?php endif; ?>
