<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BillTableModel</name>
    <message>
        <source>file #{n}</source>
        <translation>文件 #{n}</translation>
    </message>
    <message>
        <source>{title} ({key}); click to sort</source>
        <translation>{title}（{key}）；单击以排序</translation>
    </message>
    <message>
        <source>{title} ({key}); click to sort (no index: the database sorts every matching bill first, seconds at millions of bills)</source>
        <translation>{title}（{key}）；单击以排序（此列无索引：数据库须先对所有匹配的话单排序，数百万条话单需要数秒）</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>{title}: raw value {raw}</source>
        <translation>{title}：原始值 {raw}</translation>
    </message>
    <message>
        <source>documented: {text}</source>
        <translation>文档说明：{text}</translation>
    </message>
    <message>
        <source>(site label)</source>
        <translation>（本站点标签）</translation>
    </message>
    <message>
        <source>not in the vendor&apos;s tables</source>
        <translation>不在厂商文档的代码表中</translation>
    </message>
    <message>
        <source>this operation is documented as not normally written to the bill</source>
        <translation>文档说明此操作通常不写入话单</translation>
    </message>
    <message>
        <source>{time} (as exported, tenant time)
stored: {raw}</source>
        <translation>{time}（按导出原样，租户时间）
存储值：{raw}</translation>
    </message>
    <message>
        <source>{file}, line {line}</source>
        <translation>{file}，第 {line} 行</translation>
    </message>
</context>
<context>
    <name>BrowseController</name>
    <message>
        <source>counting…</source>
        <translation>正在计数…</translation>
    </message>
    <message>
        <source>{shown} of {total} bills</source>
        <translation>{shown} / {total} 条话单</translation>
    </message>
    <message>
        <source>about {shown}</source>
        <translation>约 {shown}</translation>
    </message>
    <message>
        <source>about {shown} of {total} bills</source>
        <translation>约 {shown} / {total} 条话单</translation>
    </message>
    <message>
        <source>Database problem: {message}. View &gt; Refresh (F5) reads again.</source>
        <translation>数据库问题：{message}。“视图 &gt; 刷新”（F5）可重新读取。</translation>
    </message>
</context>
<context>
    <name>CheckList</name>
    <message>
        <source>Exclude checked</source>
        <translation>排除勾选项</translation>
    </message>
    <message>
        <source>Show every bill except those of the checked items</source>
        <translation>显示除勾选项以外的所有话单</translation>
    </message>
    <message>
        <source>Checked only</source>
        <translation>仅显示勾选项</translation>
    </message>
    <message>
        <source>List only the checked items</source>
        <translation>列表中只显示已勾选的项</translation>
    </message>
    <message>
        <source>None</source>
        <translation>全不选</translation>
    </message>
    <message>
        <source>Uncheck all</source>
        <translation>取消全部勾选</translation>
    </message>
    <message>
        <source>Paste…</source>
        <translation>粘贴…</translation>
    </message>
    <message>
        <source>Check a list of {what} pasted from elsewhere (one per line, or separated by commas or spaces)</source>
        <translation>勾选从别处粘贴来的{what}列表（每行一个，或用逗号、空格分隔）</translation>
    </message>
    <message>
        <source>{value}  (not in the data)</source>
        <translation>{value}  （数据中没有）</translation>
    </message>
    <message>
        <source>checked, but no bill in the database has it</source>
        <translation>已勾选，但数据库中没有话单含有此值</translation>
    </message>
    <message>
        <source>values</source>
        <translation>值</translation>
    </message>
    <message>
        <source>No {what} found in the pasted text.</source>
        <translation>粘贴的文本中没有找到{what}。</translation>
    </message>
    <message>
        <source>Checked {found} of {pasted} pasted {what}.</source>
        <translation>已勾选粘贴的 {pasted} 个{what}中的 {found} 个。</translation>
    </message>
    <message>
        <source> and {n} more</source>
        <translation> 等另外 {n} 个</translation>
    </message>
    <message>
        <source>{n} not in the data: {values} (kept checked, listed as “not in the data”).</source>
        <translation>{n} 个不在数据中：{values}（仍保持勾选，列为“数据中没有”）。</translation>
    </message>
    <message>
        <source>Check {what}</source>
        <translation>勾选{what}</translation>
    </message>
    <message>
        <source>Paste {what}: one per line, or separated by commas or spaces.</source>
        <translation>粘贴{what}：每行一个，或用逗号、空格分隔。</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Empty host, port, database or user: libpq&apos;s defaults (PGHOST, PGPORT, PGDATABASE, PGUSER). An empty password uses ~/.pgpass or PGPASSWORD.</source>
        <translation>主机、端口、数据库或用户留空：使用 libpq 的默认值（PGHOST、PGPORT、PGDATABASE、PGUSER）。密码留空则使用 ~/.pgpass 或 PGPASSWORD。</translation>
    </message>
    <message>
        <source>No password store (keyring) is available here: the password is asked for each time (or put it in ~/.pgpass).</source>
        <translation>此处没有可用的密码存储（keyring）：每次都会询问密码（或将其写入 ~/.pgpass）。</translation>
    </message>
    <message>
        <source>Connect to team database</source>
        <translation>连接团队数据库</translation>
    </message>
    <message>
        <source>default (PGHOST or this computer)</source>
        <translation>默认（PGHOST 或本机）</translation>
    </message>
    <message>
        <source>default (PGPORT or 5432)</source>
        <translation>默认（PGPORT 或 5432）</translation>
    </message>
    <message>
        <source>default (PGDATABASE or the user name)</source>
        <translation>默认（PGDATABASE 或用户名）</translation>
    </message>
    <message>
        <source>default (PGUSER or your login name)</source>
        <translation>默认（PGUSER 或您的登录名）</translation>
    </message>
    <message>
        <source>empty: ~/.pgpass or PGPASSWORD</source>
        <translation>留空：使用 ~/.pgpass 或 PGPASSWORD</translation>
    </message>
    <message>
        <source>Remember password (in the system&apos;s password store)</source>
        <translation>记住密码（保存在系统的密码存储中）</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>主机(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>数据库(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>用户(&amp;U)：</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>密码(&amp;W)：</translation>
    </message>
    <message>
        <source>&amp;TLS mode:</source>
        <translation>&amp;TLS 模式：</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>&amp;Test</source>
        <translation>测试(&amp;T)</translation>
    </message>
    <message>
        <source>Connecting to {team}…</source>
        <translation>正在连接 {team}…</translation>
    </message>
</context>
<context>
    <name>DatabaseController</name>
    <message>
        <source>Open &amp;database…</source>
        <translation>打开数据库(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;New database…</source>
        <translation>新建数据库(&amp;N)…</translation>
    </message>
    <message>
        <source>Connect to &amp;team database…</source>
        <translation>连接团队数据库(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Recent databases</source>
        <translation>最近的数据库(&amp;R)</translation>
    </message>
    <message>
        <source>Open database</source>
        <translation>打开数据库</translation>
    </message>
    <message>
        <source>Bill databases (*.sqlite *.db);;All files (*)</source>
        <translation>话单数据库 (*.sqlite *.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>New database</source>
        <translation>新建数据库</translation>
    </message>
    <message>
        <source>Bill databases (*.sqlite)</source>
        <translation>话单数据库 (*.sqlite)</translation>
    </message>
    <message>
        <source>{path} already exists. Open it instead?

(A new database needs a new file name; existing bills are never deleted.)</source>
        <translation>{path} 已存在。改为打开它吗？

（新数据库需要新的文件名；已有的话单绝不会被删除。）</translation>
    </message>
    <message>
        <source>Opening {path}…</source>
        <translation>正在打开 {path}…</translation>
    </message>
    <message>
        <source>Connecting to {team}…</source>
        <translation>正在连接 {team}…</translation>
    </message>
    <message>
        <source>Connect to team database</source>
        <translation>连接团队数据库</translation>
    </message>
    <message>
        <source>Opened {name} read-only: browse, filter and export; nothing can be changed</source>
        <translation>已以只读方式打开 {name}：可浏览、筛选和导出，不能修改任何内容</translation>
    </message>
    <message>
        <source>Opened {name}</source>
        <translation>已打开 {name}</translation>
    </message>
    <message>
        <source>Agent Bill Viewer — {name}</source>
        <translation>座席操作详单查看器 — {name}</translation>
    </message>
    <message>
        <source>{title} (read-only)</source>
        <translation>{title}（只读）</translation>
    </message>
    <message>
        <source>The database is open read-only</source>
        <translation>数据库以只读方式打开</translation>
    </message>
</context>
<context>
    <name>DetailsController</name>
    <message>
        <source>&amp;Copy rows</source>
        <translation>复制行(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the selected rows as tab-separated text</source>
        <translation>将选中的行复制为以制表符分隔的文本</translation>
    </message>
    <message>
        <source>State of all agents at this &amp;bill</source>
        <translation>此话单时刻所有座席的状态(&amp;B)</translation>
    </message>
    <message>
        <source>Show every agent&apos;s state at the selected bill&apos;s begin time</source>
        <translation>显示选中话单开始时刻每个座席的状态</translation>
    </message>
    <message>
        <source>(raw {raw})</source>
        <translation>（原始值 {raw}）</translation>
    </message>
    <message>
        <source>not in the vendor&apos;s tables</source>
        <translation>不在厂商文档的代码表中</translation>
    </message>
    <message>
        <source>documented as not normally billed</source>
        <translation>文档说明此操作类型通常不写话单</translation>
    </message>
    <message>
        <source>Provenance unavailable: {problem}</source>
        <translation>无法获取来源信息：{problem}</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Source&lt;/b&gt;: {path}, line {line}&lt;br&gt;SHA-256 {sha256}&lt;br&gt;imported {imported_at}&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;来源&lt;/b&gt;：{path}，第 {line} 行&lt;br&gt;SHA-256 {sha256}&lt;br&gt;导入于 {imported_at}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Extra trailing columns&lt;/b&gt;: {extra}&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;多出的末尾列&lt;/b&gt;：{extra}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>{n} conflicting copy(ies) of this bill id were imported with other values:</source>
        <translation>此话单 ID 有 {n} 个取值不同的冲突副本被导入：</translation>
    </message>
    <message>
        <source>{path} line {line}: differs in {fields}</source>
        <translation>{path} 第 {line} 行：不同的字段为 {fields}</translation>
    </message>
    <message>
        <source>Select a bill first.</source>
        <translation>请先选择一条话单。</translation>
    </message>
    <message>
        <source>Copy rows</source>
        <translation>复制行</translation>
    </message>
    <message>
        <source>{n} rows are selected; copying is limited to {limit}. Use File ▸ Export to Excel for more.</source>
        <translation>已选中 {n} 行；复制最多 {limit} 行。更多行请使用“文件 ▸ 导出到 Excel”。</translation>
    </message>
    <message>
        <source>Copied {n} row(s).</source>
        <translation>已复制 {n} 行。</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>{title}: {progress}</source>
        <translation>{title}：{progress}</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>{done} of {total} MB</source>
        <translation>已处理 {done} / {total} MB</translation>
    </message>
    <message>
        <source>{done} of {total} rows</source>
        <translation>{done} / {total} 行</translation>
    </message>
    <message>
        <source>Please send the details (Show Details…, select all, copy) to whoever maintains Agent Bill Viewer; the log holds them too.</source>
        <translation>请将详细信息（“显示详细信息…”，全选，复制）发送给座席操作详单查看器的维护人员；日志中也有这些信息。</translation>
    </message>
</context>
<context>
    <name>DialogsController</name>
    <message>
        <source>&amp;Site labels…</source>
        <translation>站点标签(&amp;S)…</translation>
    </message>
    <message>
        <source>Time &amp;zone of the data…</source>
        <translation>数据的时区(&amp;Z)…</translation>
    </message>
    <message>
        <source>Name the tenant&apos;s time zone: shown beside every time and in every export</source>
        <translation>指定租户的时区：显示在每个时间旁边和每次导出中</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <source>Open the &amp;demo in a new window</source>
        <translation>在新窗口中打开演示(&amp;D)</translation>
    </message>
    <message>
        <source>Sample bills in a throwaway database, in a second window</source>
        <translation>在另一个窗口中，用临时数据库打开示例话单</translation>
    </message>
    <message>
        <source>times {label}</source>
        <translation>时间：{label}</translation>
    </message>
    <message>
        <source>Time zone of the data</source>
        <translation>数据的时区</translation>
    </message>
    <message>
        <source>Bill exports carry no time zone, so times are shown as exported.
Name the tenant&apos;s zone (e.g. Asia/Shanghai or UTC+08:00) to state it beside
every time and in every export; leave empty to remove it.</source>
        <translation>话单导出文件不带时区，因此时间按导出原样显示。
请指定租户的时区（如 Asia/Shanghai 或 UTC+08:00），
它将标注在每个时间旁边和每次导出中；留空则删除。</translation>
    </message>
    <message>
        <source>About Agent Bill Viewer</source>
        <translation>关于座席操作详单查看器</translation>
    </message>
    <message>
        <source>Opening the demo in a new window…</source>
        <translation>正在新窗口中打开演示…</translation>
    </message>
    <message>
        <source>Could not start {program}.</source>
        <translation>无法启动 {program}。</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <source>&lt;h2&gt;No bills yet&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;还没有话单&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Importing…&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;正在导入…&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>The bills appear here as soon as the import ends.</source>
        <translation>导入结束后，话单会立即显示在这里。</translation>
    </message>
    <message>
        <source>Open the agent operation bill exports of your contact center (CSV files, zips or a folder of them), or drop them on this window. They are imported into this database once; every later start shows them at once.</source>
        <translation>打开您的联络中心导出的座席操作详单（CSV 文件、zip 压缩包或存放它们的文件夹），或将其拖放到此窗口。它们只需导入此数据库一次，以后每次启动都会立即显示。</translation>
    </message>
    <message>
        <source>This database is open read-only, so nothing can be imported into it. Open a database that holds bills, or one you may write to (File ▸ New database), or try the demo.</source>
        <translation>此数据库以只读方式打开，无法向其中导入任何内容。请打开一个已有话单的数据库，或一个您可以写入的数据库（文件 ▸ 新建数据库），或试用演示。</translation>
    </message>
    <message>
        <source>&amp;Open exports…</source>
        <translation>打开导出文件(&amp;O)…</translation>
    </message>
    <message>
        <source>Import CSV files or zips of exports</source>
        <translation>导入 CSV 文件或导出的 zip 压缩包</translation>
    </message>
    <message>
        <source>Open export fo&amp;lder…</source>
        <translation>打开导出文件夹(&amp;L)…</translation>
    </message>
    <message>
        <source>Import every export in a folder</source>
        <translation>导入文件夹中的所有导出文件</translation>
    </message>
    <message>
        <source>Open &amp;database…</source>
        <translation>打开数据库(&amp;D)…</translation>
    </message>
    <message>
        <source>Show a bill database imported earlier</source>
        <translation>显示之前导入的话单数据库</translation>
    </message>
    <message>
        <source>Try the de&amp;mo</source>
        <translation>试用演示(&amp;M)</translation>
    </message>
    <message>
        <source>Open a window on sample bills (a throwaway database; this one stays empty)</source>
        <translation>在示例话单上打开一个窗口（临时数据库；当前数据库保持为空）</translation>
    </message>
</context>
<context>
    <name>ExportController</name>
    <message>
        <source>&amp;Export to Excel…</source>
        <translation>导出到 Excel(&amp;E)…</translation>
    </message>
    <message>
        <source>Export the bills shown, as shown, to an .xlsx workbook</source>
        <translation>将显示的话单按显示的样子导出到 .xlsx 工作簿</translation>
    </message>
    <message>
        <source>Export &amp;language</source>
        <translation>导出语言(&amp;L)</translation>
    </message>
    <message>
        <source>Same as the &amp;window</source>
        <translation>与窗口相同(&amp;W)</translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation>导出到 Excel</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>{path} already exists. Replace it?</source>
        <translation>{path} 已存在。要替换它吗？</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>An export is already running.</source>
        <translation>已有一个导出正在进行。</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>正在导出</translation>
    </message>
    <message>
        <source>Exported {n} bills to {path}.</source>
        <translation>已将 {n} 条话单导出到 {path}。</translation>
    </message>
    <message>
        <source>{n} cell(s) longer than Excel allows were cut and marked (counted on the Report sheet).</source>
        <translation>有 {n} 个单元格超过 Excel 允许的长度，已截断并标记（数量记在“报告”工作表中）。</translation>
    </message>
    <message>
        <source>Export cancelled; no file written.</source>
        <translation>导出已取消；未写入任何文件。</translation>
    </message>
</context>
<context>
    <name>ExportDoneDialog</name>
    <message>
        <source>Export finished</source>
        <translation>导出完成</translation>
    </message>
    <message>
        <source>Exported {n} bills to
{path}</source>
        <translation>已将 {n} 条话单导出到
{path}</translation>
    </message>
    <message>
        <source>{n} cell(s) longer than Excel allows were cut and marked (counted on the Report sheet).</source>
        <translation>有 {n} 个单元格超过 Excel 允许的长度，已截断并标记（数量记在“报告”工作表中）。</translation>
    </message>
    <message>
        <source>Open file</source>
        <translation>打开文件</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
</context>
<context>
    <name>Failure</name>
    <message>
        <source>This is a bug: {what} failed with {error}</source>
        <translation>这是一个程序错误：{what} 失败，{error}</translation>
    </message>
</context>
<context>
    <name>FilterPanel</name>
    <message>
        <source>{name} — saved by {user}</source>
        <translation>{name} — 由 {user} 保存</translation>
    </message>
    <message>
        <source>Saved filters</source>
        <translation>已保存的筛选</translation>
    </message>
    <message>
        <source>Open a saved filter</source>
        <translation>打开一个已保存的筛选条件</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Clear all filters</source>
        <translation>清除所有筛选条件</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To (before)</source>
        <translation>到（之前）</translation>
    </message>
    <message>
        <source>Overlapping: going on in the range</source>
        <translation>重叠：在此范围内进行中</translation>
    </message>
    <message>
        <source>Off: bills that begin in the range.
On: bills that were going on in it: begun before &apos;To&apos; and ended after &apos;From&apos;
(a bill with no end time counts as still open). For an incident window.</source>
        <translation>关闭：在此范围内开始的话单。
打开：在此范围内进行中的话单：在“到”之前开始、在“从”之后结束
（没有结束时间的话单视为仍在进行）。适用于故障时间窗口。</translation>
    </message>
    <message>
        <source>Whole data</source>
        <translation>全部数据</translation>
    </message>
    <message>
        <source>An hour</source>
        <translation>一小时</translation>
    </message>
    <message>
        <source>A day</source>
        <translation>一天</translation>
    </message>
    <message>
        <source>Around bill</source>
        <translation>话单前后</translation>
    </message>
    <message>
        <source>One hour from the &apos;From&apos; time (or the data&apos;s start)</source>
        <translation>从“从”时间（或数据的开始）起一小时</translation>
    </message>
    <message>
        <source>One day from the &apos;From&apos; time (or the data&apos;s start)</source>
        <translation>从“从”时间（或数据的开始）起一天</translation>
    </message>
    <message>
        <source>15 minutes either side of the selected bill</source>
        <translation>选中话单前后各 15 分钟</translation>
    </message>
    <message>
        <source>Search agents…</source>
        <translation>搜索座席…</translation>
    </message>
    <message>
        <source>agent IDs</source>
        <translation>座席工号</translation>
    </message>
    <message>
        <source>Search operation types…</source>
        <translation>搜索操作类型…</translation>
    </message>
    <message>
        <source>Search reasons…</source>
        <translation>搜索操作原因…</translation>
    </message>
    <message>
        <source>exact call ID</source>
        <translation>完整的呼叫标识</translation>
    </message>
    <message>
        <source>skill ID</source>
        <translation>技能队列 ID</translation>
    </message>
    <message>
        <source>Any media type</source>
        <translation>任意媒体类型</translation>
    </message>
    <message>
        <source>text in agent, call ID, phone/IP, object, ids…</source>
        <translation>按文本搜索…</translation>
    </message>
    <message>
        <source>Shows the bills whose agent, call ID, phone/IP, object or ids contain this text</source>
        <translation>显示座席、呼叫标识、电话/IP、操作对象或 ID 中含有此文本的话单</translation>
    </message>
    <message>
        <source>Call, skill, media, text</source>
        <translation>呼叫、技能、媒体、文本</translation>
    </message>
    <message>
        <source>Call ID</source>
        <translation>呼叫标识</translation>
    </message>
    <message>
        <source>Skill</source>
        <translation>技能队列</translation>
    </message>
    <message>
        <source>Media</source>
        <translation>媒体</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>座席</translation>
    </message>
    <message>
        <source>Operation types</source>
        <translation>操作类型</translation>
    </message>
    <message>
        <source>Reasons (of the checked types)</source>
        <translation>操作原因（所勾选类型的）</translation>
    </message>
    <message>
        <source>The database is open read-only</source>
        <translation>数据库以只读方式打开</translation>
    </message>
    <message>
        <source>Time, {label}</source>
        <translation>时间，{label}</translation>
    </message>
    <message>
        <source>agent {agent}: {n} bills</source>
        <translation>座席 {agent}：{n} 条话单</translation>
    </message>
    <message>
        <source>(documented as not normally billed)</source>
        <translation>（文档说明此操作类型通常不写话单）</translation>
    </message>
    <message>
        <source>Select a bill first to show the time around it.</source>
        <translation>请先选择一条话单，才能显示其前后的时间。</translation>
    </message>
    <message>
        <source>From is after To: no time can match, so this range is not applied (the table keeps the time range it had).</source>
        <translation>“从”晚于“到”：没有时间能匹配，因此不应用此范围（表格保持原来的时间范围）。</translation>
    </message>
    <message>
        <source>From is after To: no time can match, so this range is not applied (the table is not limited by time).</source>
        <translation>“从”晚于“到”：没有时间能匹配，因此不应用此范围（表格不受时间限制）。</translation>
    </message>
    <message>
        <source>From equals To: the range is empty, no bill begins in it. Tick Overlapping for the bills going on at that moment.</source>
        <translation>“从”等于“到”：范围为空，没有话单在其中开始。勾选“重叠”可查看该时刻正在进行的话单。</translation>
    </message>
    <message>
        <source>No bill begins in this range: the data&apos;s bills begin from {first} to before {after_last}.</source>
        <translation>没有话单在此范围内开始：数据中的话单开始于 {first} 至 {after_last} 之前。</translation>
    </message>
    <message>
        <source>Saved filters unavailable: {problem}</source>
        <translation>无法使用已保存的筛选条件：{problem}</translation>
    </message>
    <message>
        <source>Save filter</source>
        <translation>保存筛选条件</translation>
    </message>
    <message>
        <source>Name of this filter:</source>
        <translation>此筛选条件的名称：</translation>
    </message>
    <message>
        <source>The filter could not be saved:
{problem}</source>
        <translation>无法保存筛选条件：
{problem}</translation>
    </message>
    <message>
        <source>Saved filter “{name}”.</source>
        <translation>已保存筛选条件“{name}”。</translation>
    </message>
    <message>
        <source>Delete filter</source>
        <translation>删除筛选条件</translation>
    </message>
    <message>
        <source>Delete the saved filter “{name}”?</source>
        <translation>删除已保存的筛选条件“{name}”吗？</translation>
    </message>
    <message>
        <source>The filter could not be deleted:
{problem}</source>
        <translation>无法删除筛选条件：
{problem}</translation>
    </message>
    <message>
        <source>Deleted saved filter “{name}”.</source>
        <translation>已删除保存的筛选条件“{name}”。</translation>
    </message>
    <message>
        <source>Saved filter “{name}” could not be read: {problem}</source>
        <translation>无法读取已保存的筛选条件“{name}”：{problem}</translation>
    </message>
    <message>
        <source>Opened saved filter “{name}”.</source>
        <translation>已打开保存的筛选条件“{name}”。</translation>
    </message>
</context>
<context>
    <name>ImportController</name>
    <message>
        <source>&amp;Open exports…</source>
        <translation>打开导出文件(&amp;O)…</translation>
    </message>
    <message>
        <source>Import CSV files or zips of exports</source>
        <translation>导入 CSV 文件或导出的 zip 压缩包</translation>
    </message>
    <message>
        <source>Open export &amp;folder…</source>
        <translation>打开导出文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Import every export in a folder</source>
        <translation>导入文件夹中的所有导出文件</translation>
    </message>
    <message>
        <source>Open exports</source>
        <translation>打开导出文件</translation>
    </message>
    <message>
        <source>Bill exports (*.zip *.csv *.txt);;All files (*)</source>
        <translation>话单导出文件 (*.zip *.csv *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open export folder</source>
        <translation>打开导出文件夹</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>An import is already running.</source>
        <translation>已有一个导入正在进行。</translation>
    </message>
    <message>
        <source>Importing</source>
        <translation>正在导入</translation>
    </message>
    <message>
        <source>Import cancelled; nothing was imported.</source>
        <translation>导入已取消；未导入任何内容。</translation>
    </message>
    <message>
        <source>Imported {n} bills from {files} file(s).</source>
        <translation>已从 {files} 个文件导入 {n} 条话单。</translation>
    </message>
    <message>
        <source>Import cancelled: {path} was rolled back; {n} bills from the files before it stay imported.</source>
        <translation>导入已取消：{path} 已回滚；之前文件中的 {n} 条话单保持已导入。</translation>
    </message>
    <message>
        <source>{n} file(s) had been imported already.</source>
        <translation>{n} 个文件之前已导入过。</translation>
    </message>
    <message>
        <source>{n} file(s) could not be imported (see the import report).</source>
        <translation>{n} 个文件无法导入（见导入报告）。</translation>
    </message>
    <message>
        <source>{name} is open read-only: nothing can be imported into it. Open a database you may write to (File ▸ Open database) to import.</source>
        <translation>{name} 以只读方式打开：无法向其中导入任何内容。请打开一个您可以写入的数据库（文件 ▸ 打开数据库）后再导入。</translation>
    </message>
</context>
<context>
    <name>ImportReportDialog</name>
    <message>
        <source>imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <source>already imported (skipped)</source>
        <translation>之前已导入（已跳过）</translation>
    </message>
    <message>
        <source>not an agent operation bill export</source>
        <translation>不是座席操作详单导出文件</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>cancelled (rolled back)</source>
        <translation>已取消（已回滚）</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>读取</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>重复</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Import report</source>
        <translation>导入报告</translation>
    </message>
    <message>
        <source>{n} file(s)</source>
        <translation>{n} 个文件</translation>
    </message>
    <message>
        <source>{n} not imported</source>
        <translation>{n} 个未导入</translation>
    </message>
    <message>
        <source>{read} lines read, {imported} imported, {duplicates} duplicates ({conflicts} with other values), {rejected} rejected.</source>
        <translation>读取 {read} 行，导入 {imported} 条，重复 {duplicates} 条（其中 {conflicts} 条取值不同），拒绝 {rejected} 行。</translation>
    </message>
    <message>
        <source>{files}, {not_imported}: {counts}</source>
        <translation>{files}，{not_imported}：{counts}</translation>
    </message>
    <message>
        <source>{files}: {counts}</source>
        <translation>{files}：{counts}</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Raw text</source>
        <translation>原始文本</translation>
    </message>
    <message>
        <source>Rejected lines (select and Ctrl+C to copy)</source>
        <translation>被拒绝的行（选中后按 Ctrl+C 复制）</translation>
    </message>
    <message>
        <source>; the first {shown} are listed, all {n} are stored in the database</source>
        <translation>；列出前 {shown} 行，全部 {n} 行都保存在数据库中</translation>
    </message>
    <message>
        <source>Copy rejected lines</source>
        <translation>复制被拒绝的行</translation>
    </message>
    <message>
        <source>Copy file list</source>
        <translation>复制文件列表</translation>
    </message>
</context>
<context>
    <name>InvestigationPanel</name>
    <message>
        <source>Click a bar to describe it; double-click it or press Enter to show its bills.</source>
        <translation>单击色条查看说明；双击或按 Enter 显示其话单。</translation>
    </message>
    <message>
        <source>since {time}</source>
        <translation>自 {time}</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Signed in since {time}</source>
        <translation>自 {time} 起已签入</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>座席</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>开始于</translation>
    </message>
    <message>
        <source>For</source>
        <translation>持续时长</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>已签入</translation>
    </message>
    <message>
        <source>Other active states</source>
        <translation>其他进行中的状态</translation>
    </message>
    <message>
        <source>At first moment</source>
        <translation>第一时刻</translation>
    </message>
    <message>
        <source>At second moment</source>
        <translation>第二时刻</translation>
    </message>
    <message>
        <source>Began between</source>
        <translation>期间开始</translation>
    </message>
    <message>
        <source>Ended between</source>
        <translation>期间结束</translation>
    </message>
    <message>
        <source>Begin</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>End</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Anomaly</source>
        <translation>异常</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>{n} states: {kinds}</source>
        <translation>{n} 个状态：{kinds}</translation>
    </message>
    <message>
        <source>and {n} more</source>
        <translation>以及另外 {n} 个</translation>
    </message>
    <message>
        <source>No filter yet.</source>
        <translation>尚无筛选条件。</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>显示全部</translation>
    </message>
    <message>
        <source>State at</source>
        <translation>查看时刻</translation>
    </message>
    <message>
        <source>Changes between the moment above and</source>
        <translation>从上述时刻到</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>时间轴</translation>
    </message>
    <message>
        <source>At a moment</source>
        <translation>某一时刻</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <source>Anomalies</source>
        <translation>异常列表</translation>
    </message>
    <message>
        <source>Double-click a row or cell to show its bills.</source>
        <translation>双击行或单元格显示其话单。</translation>
    </message>
    <message>
        <source>Computing agent states…</source>
        <translation>正在计算座席状态…</translation>
    </message>
    <message>
        <source>Computation cancelled.</source>
        <translation>计算已取消。</translation>
    </message>
    <message>
        <source>Computing agent states… {done} of {total} bills read</source>
        <translation>正在计算座席状态… 已读取 {done} / {total} 条话单</translation>
    </message>
    <message>
        <source>Could not show the results: {error}</source>
        <translation>无法显示结果：{error}</translation>
    </message>
    <message>
        <source>Could not compute agent states: {problem}</source>
        <translation>无法计算座席状态：{problem}</translation>
    </message>
    <message>
        <source>{agents} agents, {first} to {last}; {anomalies} anomalies. Double-click a bar, row or cell to show its bills.</source>
        <translation>{agents} 个座席，{first} 至 {last}；{anomalies} 个异常。双击色条、行或单元格显示其话单。</translation>
    </message>
    <message>
        <source>the first bill</source>
        <translation>第一条话单</translation>
    </message>
    <message>
        <source>the last bill</source>
        <translation>最后一条话单</translation>
    </message>
    <message>
        <source>{n} agent(s) changed</source>
        <translation>{n} 个座席有变化</translation>
    </message>
    <message>
        <source>{start} to {end} ({duration})</source>
        <translation>{start} 至 {end}（{duration}）</translation>
    </message>
    <message>
        <source>Finding the bills of that cell…</source>
        <translation>正在查找该单元格对应的话单…</translation>
    </message>
    <message>
        <source>{n} bills behind that cell.</source>
        <translation>该单元格对应 {n} 条话单。</translation>
    </message>
    <message>
        <source>Could not read the bills: {message}</source>
        <translation>无法读取话单：{message}</translation>
    </message>
    <message>
        <source>no operation type</source>
        <translation>无操作类型</translation>
    </message>
    <message>
        <source>, reason {reason}</source>
        <translation>，原因 {reason}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Agent Bill Viewer</source>
        <translation>座席操作详单查看器</translation>
    </message>
    <message>
        <source>Bills</source>
        <translation>话单</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Bill details</source>
        <translation>话单详情</translation>
    </message>
    <message>
        <source>Investigation</source>
        <translation>调查</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>C&amp;lear filters</source>
        <translation>清除筛选条件(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Read the database again (bills imported by another window or program)</source>
        <translation>重新读取数据库（其他窗口或程序导入的话单）</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Go to</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Columns</source>
        <translation>列(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>F&amp;ilters pane</source>
        <translation>筛选窗格(&amp;I)</translation>
    </message>
    <message>
        <source>Bill detail&amp;s pane</source>
        <translation>话单详情窗格(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
</context>
<context>
    <name>NavigationController</name>
    <message>
        <source>Go to las&amp;t row</source>
        <translation>转到最后一行(&amp;T)</translation>
    </message>
    <message>
        <source>Go to &amp;first row</source>
        <translation>转到第一行(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Find (text filter)</source>
        <translation>查找（文本筛选）(&amp;F)</translation>
    </message>
    <message>
        <source>Type text to show only the bills containing it (searched in the database)</source>
        <translation>输入文本，只显示包含该文本的话单（在数据库中搜索）</translation>
    </message>
    <message>
        <source>&amp;Agents filter</source>
        <translation>座席筛选(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Operation types filter</source>
        <translation>操作类型筛选(&amp;O)</translation>
    </message>
    <message>
        <source>T&amp;ime filter</source>
        <translation>时间筛选(&amp;I)</translation>
    </message>
    <message>
        <source>Bill &amp;table</source>
        <translation>话单表格(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Next pane</source>
        <translation>下一个窗格(&amp;N)</translation>
    </message>
    <message>
        <source>Filters, table, details in turn</source>
        <translation>依次切换筛选、表格、详情</translation>
    </message>
    <message>
        <source>&amp;Previous pane</source>
        <translation>上一个窗格(&amp;P)</translation>
    </message>
    <message>
        <source>Sort &amp;ascending by this column</source>
        <translation>按此列升序排序(&amp;A)</translation>
    </message>
    <message>
        <source>Sort &amp;descending by this column</source>
        <translation>按此列降序排序(&amp;D)</translation>
    </message>
</context>
<context>
    <name>SiteLabelsDialog</name>
    <message>
        <source>Site labels</source>
        <translation>站点标签</translation>
    </message>
    <message>
        <source>Some codes are defined by each site (busy 200-250, rest and work reasons, client logout causes, agent statuses). Name them here: the names are stored in the database and shown in the table, the details and every export.</source>
        <translation>有些代码由各站点自行定义（示忙原因 200-250、休息和工作原因、客户端签出原因、座席状态）。在此为它们命名：名称保存在数据库中，并显示在表格、详情和每次导出中。</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Documented meaning</source>
        <translation>文档含义</translation>
    </message>
    <message>
        <source>Bills</source>
        <translation>话单</translation>
    </message>
    <message>
        <source>Site label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>label, e.g. Team meeting</source>
        <translation>标签，例如：团队会议</translation>
    </message>
    <message>
        <source>Set label</source>
        <translation>设置标签</translation>
    </message>
</context>
<context>
    <name>SortStatus</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop this sort and go back to the previous one</source>
        <translation>停止此次排序，恢复上一种排序</translation>
    </message>
    <message>
        <source>{n} bills</source>
        <translation>{n} 条话单</translation>
    </message>
    <message>
        <source>the matching bills</source>
        <translation>匹配的话单</translation>
    </message>
    <message>
        <source>Sorting {bills} by {column}…</source>
        <translation>正在按“{column}”对{bills}排序…</translation>
    </message>
    <message>
        <source>{head} (no index on this column; {seconds} s)</source>
        <translation>{head}（此列无索引；{seconds} 秒）</translation>
    </message>
    <message>
        <source>{head} reading the order, {read} so far ({seconds} s)</source>
        <translation>{head}正在读取排序结果，已读 {read} 条（{seconds} 秒）</translation>
    </message>
</context>
<context>
    <name>TextIndexController</name>
    <message>
        <source>Indexing for text search: %p%</source>
        <translation>正在建立文本搜索索引：%p%</translation>
    </message>
    <message>
        <source>Text searches scan the bills until the index is built</source>
        <translation>索引建成之前，文本搜索逐条扫描话单</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop indexing; text searches scan, the next start goes on</source>
        <translation>停止建立索引；文本搜索改为逐条扫描，下次启动时继续建立</translation>
    </message>
    <message>
        <source>Text search index not built: {message} (searches scan)</source>
        <translation>文本搜索索引未建成：{message}（搜索改为逐条扫描）</translation>
    </message>
    <message>
        <source>Text search index</source>
        <translation>文本搜索索引</translation>
    </message>
</context>
<context>
    <name>TimelineLegend</name>
    <message>
        <source>Main bar: busy, rest, working, study, conversation, other operations.
Thin bar on top: held, internal help, three-party, conference, listening.
Band underneath: signed in. Tick across the lane: forced event. Triangle: anomaly.
Ctrl+wheel or +/-: zoom; drag, Shift+wheel or Left/Right: pan; 0: show all.</source>
        <translation>主色条：示忙、休息、工作态、学习态、通话、其他操作。
顶部细条：保持、内部求助、三方通话、会议、监听。
下方色带：已签入。横穿泳道的刻度：强制事件。三角形：异常。
Ctrl+滚轮或 +/-：缩放；拖动、Shift+滚轮或左/右方向键：平移；0：显示全部。</translation>
    </message>
    <message>
        <source>Anomaly</source>
        <translation>异常</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <source>{n} agents</source>
        <translation>{n} 个座席</translation>
    </message>
    <message>
        <source>Anomaly: {kind}</source>
        <translation>异常：{kind}</translation>
    </message>
    <message>
        <source>Agent {agent}</source>
        <translation>座席 {agent}</translation>
    </message>
    <message>
        <source>Reason code {code}</source>
        <translation>原因代码 {code}</translation>
    </message>
    <message>
        <source> (open-ended)</source>
        <translation>（未结束）</translation>
    </message>
    <message>
        <source>{n} bill(s); double-click or press Enter to show them</source>
        <translation>{n} 条话单；双击或按 Enter 显示</translation>
    </message>
    <message>
        <source>(bills not readable: {problem})</source>
        <translation>（无法读取话单：{problem}）</translation>
    </message>
    <message>
        <source>... and {n} more</source>
        <translation>……以及另外 {n} 条</translation>
    </message>
    <message>
        <source>and {n} more</source>
        <translation>以及另外 {n} 条</translation>
    </message>
</context>
</TS>
