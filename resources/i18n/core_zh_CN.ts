<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AgentType</name>
    <message>
        <source>PC + phone</source>
        <translation>PC+PHONE座席</translation>
    </message>
    <message>
        <source>PC + phone video</source>
        <translation>视频座席（音频、视频）</translation>
    </message>
    <message>
        <source>multimedia</source>
        <translation>多媒体座席</translation>
    </message>
    <message>
        <source>audio</source>
        <translation>音频座席</translation>
    </message>
    <message>
        <source>video</source>
        <translation>视频座席</translation>
    </message>
    <message>
        <source>versatile</source>
        <translation>全能座席</translation>
    </message>
</context>
<context>
    <name>Anomaly</name>
    <message>
        <source>Sign-in without a sign-out</source>
        <translation>签入后没有签出</translation>
    </message>
    <message>
        <source>Sign-out without a sign-in</source>
        <translation>签出前没有签入</translation>
    </message>
    <message>
        <source>Repeated sign-in or sign-out</source>
        <translation>重复签入或签出</translation>
    </message>
    <message>
        <source>Overlapping states</source>
        <translation>状态重叠</translation>
    </message>
    <message>
        <source>Conversation with no final piece</source>
        <translation>通话缺少最终话单</translation>
    </message>
    <message>
        <source>No bill in a signed-in session</source>
        <translation>签入期间没有话单</translation>
    </message>
    <message>
        <source>Forced logout</source>
        <translation>强制签出</translation>
    </message>
    <message>
        <source>Forced state</source>
        <translation>强制状态</translation>
    </message>
    <message>
        <source>End before begin</source>
        <translation>结束早于开始</translation>
    </message>
    <message>
        <source>Sign-out before its sign-in</source>
        <translation>签出早于其签入</translation>
    </message>
    <message>
        <source>The bill ends ({end}) before it begins ({begin}); taken as an instant.</source>
        <translation>话单的结束时间（{end}）早于开始时间（{begin}）；按一个瞬间处理。</translation>
    </message>
    <message>
        <source>Session {session} signed out at {out}, before its sign-in at {in_}.</source>
        <translation>签入序列 {session} 在 {out} 签出，早于其签入时间 {in_}。</translation>
    </message>
    <message>
        <source>Signed in again at {time} in session {session} already signed in at {since}.</source>
        <translation>{time} 再次签入，所在签入序列 {session} 已于 {since} 签入。</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Signed out again at {time} in session {session} already signed out at {since}.</source>
        <translation>{time} 再次签出，所在签入序列 {session} 已于 {since} 签出。</translation>
    </message>
    <message>
        <source>Conversation of call {call} from {start}: {count} piece(s), none final (reason 0); the last ends {end}.</source>
        <translation>呼叫 {call} 自 {start} 起的通话：共 {count} 段话单，没有最终话单（原因 0）；最后一段结束于 {end}。</translation>
    </message>
    <message>
        <source>(no call ID)</source>
        <translation>（无呼叫标识）</translation>
    </message>
    <message>
        <source>Signed out at {time}</source>
        <translation>{time} 签出</translation>
    </message>
    <message>
        <source>Bills from {time}</source>
        <translation>自 {time} 起的话单</translation>
    </message>
    <message>
        <source>{what} in session {session} with no sign-in.</source>
        <translation>{what}，签入序列 {session} 中没有签入。</translation>
    </message>
    <message>
        <source>Session {session} signed in at {start} has no sign-out; its last bill ends {end}.</source>
        <translation>签入序列 {session} 于 {start} 签入后没有签出；其最后一张话单结束于 {end}。</translation>
    </message>
    <message>
        <source>No bill for {duration} while signed in ({start} to {end}).</source>
        <translation>签入期间 {duration} 没有话单（{start} 至 {end}）。</translation>
    </message>
    <message>
        <source>{what} at {time}.</source>
        <translation>{time}：{what}。</translation>
    </message>
    <message>
        <source>{state} from {start} overlaps {other} from {other_start} to {end}.</source>
        <translation>自 {start} 起的{state}与 {other_start} 至 {end} 的{other}重叠。</translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message>
        <source>{count} agent(s)</source>
        <translation>{count} 个座席</translation>
    </message>
    <message>
        <source>--gap-minutes must be positive and --lookback-hours not negative</source>
        <translation>--gap-minutes 必须为正数，--lookback-hours 不能为负数</translation>
    </message>
    <message>
        <source>{state} by reason:</source>
        <translation>{state}（按原因）：</translation>
    </message>
    <message>
        <source>Time per state: {scope} ({agents}).</source>
        <translation>各状态时长：{scope}（{agents}）。</translation>
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
        <translation>起始时间</translation>
    </message>
    <message>
        <source>For</source>
        <translation>持续</translation>
    </message>
    <message>
        <source>Signed in since</source>
        <translation>签入时间</translation>
    </message>
    <message>
        <source>Also</source>
        <translation>同时</translation>
    </message>
    <message>
        <source>State at {time}, times {label}: {agents}, {signed} signed in.</source>
        <translation>{time} 的状态，时间{label}：{agents}，{signed} 个已签入。</translation>
    </message>
    <message>
        <source>Changes between {start} and {end}, times {label}: {changed} of {agents} changed.</source>
        <translation>{start} 至 {end} 之间的变化，时间{label}：{agents}中有 {changed} 个发生变化。</translation>
    </message>
    <message>
        <source>State at first moment</source>
        <translation>第一个时刻的状态</translation>
    </message>
    <message>
        <source>State at second moment</source>
        <translation>第二个时刻的状态</translation>
    </message>
    <message>
        <source>began</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>ended</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>--until must not be before TIME</source>
        <translation>--until 不能早于 TIME</translation>
    </message>
    <message>
        <source>imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <source>already imported</source>
        <translation>已导入过</translation>
    </message>
    <message>
        <source>not a bill export</source>
        <translation>不是话单导出文件</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>{path}: {read} lines read, {imported} imported, {duplicates} duplicates ({conflicts} conflicting), {rejected} rejected</source>
        <translation>{path}：读取 {read} 行，导入 {imported} 条，重复 {duplicates} 条（其中 {conflicts} 条冲突），拒绝 {rejected} 行</translation>
    </message>
    <message>
        <source>  line {line}: {reason}</source>
        <translation>  第 {line} 行：{reason}</translation>
    </message>
    <message>
        <source>  ... {count} more rejected lines (all are stored; see the window&apos;s import report)</source>
        <translation>  …… 另有 {count} 行被拒绝（均已保存；请在窗口的导入报告中查看）</translation>
    </message>
    <message>
        <source>total: {files}, {read} lines read, {imported} imported, {duplicates} duplicates ({conflicts} conflicting), {rejected} rejected -&gt; {db}</source>
        <translation>合计：{files}，读取 {read} 行，导入 {imported} 条，重复 {duplicates} 条（其中 {conflicts} 条冲突），拒绝 {rejected} 行 -&gt; {db}</translation>
    </message>
    <message>
        <source>{count} file(s)</source>
        <translation>{count} 个文件</translation>
    </message>
    <message>
        <source>{what} must be a whole number, not {value}</source>
        <translation>{what} 必须是整数，而不是 {value}</translation>
    </message>
    <message>
        <source>OP_TYPE must be a number or an operation type&apos;s name, not {text}</source>
        <translation>OP_TYPE 必须是数字或操作类型的名称，而不是 {text}</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>OP_TYPE {text} could be any of {count} operation types: {types}</source>
        <translation>OP_TYPE {text} 可能是以下 {count} 种操作类型中的任一种：{types}</translation>
    </message>
    <message>
        <source>no operation type is named {text}; did you mean: {types}</source>
        <translation>没有名为 {text} 的操作类型；您是否指：{types}</translation>
    </message>
    <message>
        <source>no operation type is named {text}; the types are: {types}</source>
        <translation>没有名为 {text} 的操作类型；操作类型有：{types}</translation>
    </message>
    <message>
        <source>warning: site labels not loaded: {error}</source>
        <translation>警告：未加载站点标签：{error}</translation>
    </message>
    <message>
        <source>labels {action} needs TYPE CODE</source>
        <translation>labels {action} 需要 TYPE CODE</translation>
    </message>
    <message>
        <source>labels set needs TYPE CODE TEXT</source>
        <translation>labels set 需要 TYPE CODE TEXT</translation>
    </message>
    <message>
        <source>{op_type}:{code} had no label</source>
        <translation>{op_type}:{code} 没有标签</translation>
    </message>
    <message>
        <source>type {op_type} ({name}), codes {low}-{high}: {meaning}</source>
        <translation>类型 {op_type}（{name}），代码 {low}-{high}：{meaning}</translation>
    </message>
    <message>
        <source>{first} to {last}</source>
        <translation>{first} 至 {last}</translation>
    </message>
    <message>
        <source>database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>bills</source>
        <translation>话单数</translation>
    </message>
    <message>
        <source>agents</source>
        <translation>座席数</translation>
    </message>
    <message>
        <source>time span</source>
        <translation>时间范围</translation>
    </message>
    <message>
        <source>{span}, times {label}</source>
        <translation>{span}，时间{label}</translation>
    </message>
    <message>
        <source>files</source>
        <translation>文件数</translation>
    </message>
    <message>
        <source>rejects</source>
        <translation>拒绝的行数</translation>
    </message>
    <message>
        <source>conflicts</source>
        <translation>冲突数</translation>
    </message>
    <message>
        <source>--columns lists a column twice: {text}</source>
        <translation>--columns 中有列重复出现：{text}</translation>
    </message>
    <message>
        <source>{count} bill(s)</source>
        <translation>{count} 张话单</translation>
    </message>
    <message>
        <source>{count} sheet(s)</source>
        <translation>{count} 个工作表</translation>
    </message>
    <message>
        <source>exported {bills} in {sheets} to {path} (rows sha256 {sha})</source>
        <translation>已导出 {bills}（{sheets}）到 {path}（行 sha256 {sha}）</translation>
    </message>
    <message>
        <source>signed by {name}, key {fingerprint}</source>
        <translation>签名者 {name}，密钥 {fingerprint}</translation>
    </message>
    <message>
        <source>note: 1 cell longer than Excel&apos;s limit of 32,767 characters was cut; it ends with &apos;… [truncated, N characters]&apos; (see the Report sheet)</source>
        <translation>注意：有 1 个单元格超过 Excel 32,767 个字符的上限而被截断；其末尾为“… [truncated, N characters]”（见“报告”工作表）</translation>
    </message>
    <message>
        <source>note: {count} cells longer than Excel&apos;s limit of 32,767 characters were cut; each ends with &apos;… [truncated, N characters]&apos; (see the Report sheet)</source>
        <translation>注意：有 {count} 个单元格超过 Excel 32,767 个字符的上限而被截断；每个的末尾为“… [truncated, N characters]”（见“报告”工作表）</translation>
    </message>
    <message>
        <source>signed by {name}, key {fingerprint} (this computer&apos;s key)</source>
        <translation>签名者 {name}，密钥 {fingerprint}（本计算机的密钥）</translation>
    </message>
    <message>
        <source> (hashed as version 0.1.0 did: _xHHHH_ escapes as stored)</source>
        <translation>（按 0.1.0 版的方式计算哈希：_xHHHH_ 转义按存储原样）</translation>
    </message>
    <message>
        <source>{path}: {rows} rows, sha256 {sha}{how}</source>
        <translation>{path}：{rows} 行，sha256 {sha}{how}</translation>
    </message>
    <message>
        <source>{head}; the rows match the Report&apos;s hash, but the file has no signature (made before exports were signed): anyone could have edited it and recomputed the hash</source>
        <translation>{head}；各行与报告中的哈希一致，但文件没有签名（在导出开始签名之前生成）：任何人都可能修改过它并重新计算了哈希</translation>
    </message>
    <message>
        <source>the key in {key}</source>
        <translation>{key} 中的密钥</translation>
    </message>
    <message>
        <source>compare this fingerprint with the signer&apos;s, or check with --key THEIR-KEY.pem</source>
        <translation>请将此指纹与签名者的指纹比对，或用 --key THEIR-KEY.pem 检查</translation>
    </message>
    <message>
        <source>{head}; signature valid, {signer} ({check})</source>
        <translation>{head}；签名有效，{signer}（{check}）</translation>
    </message>
    <message>
        <source>{signer}, not with the key in {key} ({fingerprint})</source>
        <translation>{signer}，不是用 {key} 中的密钥（{fingerprint}）签名的</translation>
    </message>
    <message>
        <source>the Report states {expected}, the rows hash to {actual}</source>
        <translation>报告中记载的是 {expected}，各行的哈希却是 {actual}</translation>
    </message>
    <message>
        <source>the Report states {stated} rows, the sheets hold {rows}</source>
        <translation>报告中记载 {stated} 行，工作表中有 {rows} 行</translation>
    </message>
    <message>
        <source>unknown column {key}; choose from {columns}</source>
        <translation>未知的列 {key}；可选：{columns}</translation>
    </message>
    <message>
        <source>--columns needs at least one column</source>
        <translation>--columns 至少需要一列</translation>
    </message>
    <message>
        <source>{name} names no file: give a workbook name such as bills.xlsx</source>
        <translation>{name} 不是文件名：请给出工作簿名称，例如 bills.xlsx</translation>
    </message>
    <message>
        <source>error: {error}</source>
        <translation>错误：{error}</translation>
    </message>
    <message>
        <source>terminated</source>
        <translation>已终止</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>made a new signing key in {path}</source>
        <translation>已在 {path} 生成新的签名密钥</translation>
    </message>
    <message>
        <source>name: {name}
fingerprint: {fingerprint}
private key: {path} (readable by you only; never hand it out)
</source>
        <translation>名称：{name}
指纹：{fingerprint}
私钥：{path}（仅您本人可读；切勿交给他人）
</translation>
    </message>
    <message>
        <source>{path}: cannot write the key ({error})</source>
        <translation>{path}：无法写入密钥（{error}）</translation>
    </message>
    <message>
        <source>wrote the public key of {name} ({fingerprint}) to {path}</source>
        <translation>已将 {name}（{fingerprint}）的公钥写入 {path}</translation>
    </message>
    <message>
        <source>give a NAME or --clear, not both</source>
        <translation>请给出 NAME 或 --clear，不能同时给出</translation>
    </message>
    <message>
        <source>times are shown {label}</source>
        <translation>时间显示为：{label}</translation>
    </message>
</context>
<context>
    <name>Codes</name>
    <message>
        <source>not used</source>
        <translation>未使用</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>listed codes: {codes}</source>
        <translation>表中列出的代码：{codes}</translation>
    </message>
    <message>
        <source>listed code: {codes}</source>
        <translation>表中列出的代码：{codes}</translation>
    </message>
    <message>
        <source>Two documented tables disagree. CTI: 4 PC + phone, 11 PC + phone video, 13 multimedia. Configuration: 4 audio, 5 multimedia, 11 video, 99 versatile.</source>
        <translation>两份文档中的座席类型表不一致。CTI表：4 PC+PHONE座席，11 视频座席（音频、视频），13 多媒体座席。配置表：4 音频座席，5 多媒体座席，11 视频座席，99 全能座席。</translation>
    </message>
    <message>
        <source>inbound/outbound/IVR outbound/campaign outbound</source>
        <translation>呼入/呼出/IVR呼出/outbound呼出</translation>
    </message>
    <message>
        <source>{meanings}; numeric codes undocumented</source>
        <translation>{meanings}；文档未给出各取值对应的数字代码</translation>
    </message>
    <message>
        <source>unknown operation type {code}</source>
        <translation>未知操作类型 {code}</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>unknown reason {code}</source>
        <translation>未知原因 {code}</translation>
    </message>
    <message>
        <source>{label} (code {code})</source>
        <translation>{label}（代码 {code}）</translation>
    </message>
    <message>
        <source>, or </source>
        <translation>，或</translation>
    </message>
    <message>
        <source>Rest reason {code} (default)</source>
        <translation>休息原因 {code}（默认）</translation>
    </message>
    <message>
        <source>Rest reason {code}</source>
        <translation>休息原因 {code}</translation>
    </message>
    <message>
        <source>Agent status {code} (defined by the site)</source>
        <translation>座席状态 {code}（站点自定义）</translation>
    </message>
    <message>
        <source>Internal-help switching (code {code})</source>
        <translation>内部求助切换（代码 {code}）</translation>
    </message>
    <message>
        <source>unknown object {value}</source>
        <translation>未知操作对象 {value}</translation>
    </message>
    <message>
        <source>work ID {value}</source>
        <translation>工号 {value}</translation>
    </message>
    <message>
        <source>Work ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>QC inspector {value}</source>
        <translation>质检员 {value}</translation>
    </message>
    <message>
        <source>Work ID of a QC inspector</source>
        <translation>质检员工号</translation>
    </message>
    <message>
        <source> (or code {code}: {meaning})</source>
        <translation>（或代码 {code}：{meaning}）</translation>
    </message>
    <message>
        <source> ({note})</source>
        <translation>（{note}）</translation>
    </message>
    <message>
        <source>{generic}; {note}</source>
        <translation>{generic}；{note}</translation>
    </message>
    <message>
        <source>unknown media type {code}</source>
        <translation>未知媒体类型 {code}</translation>
    </message>
    <message>
        <source>unknown agent type {code}</source>
        <translation>未知座席类型 {code}</translation>
    </message>
    <message>
        <source>{name} (CTI)</source>
        <translation>{name}（CTI表）</translation>
    </message>
    <message>
        <source>{name} (configuration)</source>
        <translation>{name}（配置表）</translation>
    </message>
    <message>
        <source>likely: {names}</source>
        <translation>可能是：{names}</translation>
    </message>
    <message>
        <source>unknown code {code}</source>
        <translation>未知代码 {code}</translation>
    </message>
    <message>
        <source>unknown code {code} (not a plain integer)</source>
        <translation>未知代码 {code}（不是整数）</translation>
    </message>
    <message>
        <source>undocumented code {code} ({meanings})</source>
        <translation>文档未说明的代码 {code}（{meanings}）</translation>
    </message>
    <message>
        <source>not used (US_NO_USE = 65535; -1 in file exports)</source>
        <translation>未使用（US_NO_USE = 65535；导出文件中为 -1）</translation>
    </message>
    <message>
        <source>a work ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>the work ID of a QC inspector</source>
        <translation>质检员工号</translation>
    </message>
    <message>
        <source>&quot;-&quot; (nothing written to the bill)</source>
        <translation>“-”（不写入话单）</translation>
    </message>
    <message>
        <source>a reason code (documented reasons below)</source>
        <translation>原因码（已记录的原因见下）</translation>
    </message>
    <message>
        <source>  [UNKNOWN]</source>
        <translation>  [未知]</translation>
    </message>
    <message>
        <source>  [site label]</source>
        <translation>  [站点标签]</translation>
    </message>
    <message>
        <source>  {name} {value}: {text}</source>
        <translation>  {name} {value}：{text}</translation>
    </message>
    <message>
        <source>    documented: {text}</source>
        <translation>    文档说明：{text}</translation>
    </message>
    <message>
        <source>object</source>
        <translation>操作对象</translation>
    </message>
    <message>
        <source>cause</source>
        <translation>操作原因</translation>
    </message>
    <message>
        <source>Object column:</source>
        <translation>操作对象列：</translation>
    </message>
    <message>
        <source>Reason column:</source>
        <translation>操作原因列：</translation>
    </message>
    <message>
        <source>Operation type {code}: {text}  [UNKNOWN]</source>
        <translation>操作类型 {code}：{text}  [未知]</translation>
    </message>
    <message>
        <source>  The vendor table defines types 0-47 and 50-60.</source>
        <translation>  厂商的操作类型表定义了 0-47 和 50-60。</translation>
    </message>
    <message>
        <source>Operation type {code}: {text}</source>
        <translation>操作类型 {code}：{text}</translation>
    </message>
    <message>
        <source>  Not normally billed: the table shows &quot;-&quot; for object and reason (the operation does not write a bill); such a bill is still shown.</source>
        <translation>  通常不写话单：表中操作对象和操作原因均为“-”（该操作类型不写座席操作详单）；如果出现此类话单，仍会显示。</translation>
    </message>
    <message>
        <source>  Note: {note}</source>
        <translation>  说明：{note}</translation>
    </message>
    <message>
        <source>Object column: {meaning}</source>
        <translation>操作对象列：{meaning}</translation>
    </message>
    <message>
        <source>  {note} (the table does not say whether these belong to the object or the reason column)</source>
        <translation>  {note}（表中未说明这些代码属于操作对象列还是操作原因列）</translation>
    </message>
    <message>
        <source>Reason column: {meaning}</source>
        <translation>操作原因列：{meaning}</translation>
    </message>
    <message>
        <source>Documented reasons:</source>
        <translation>已记录的原因：</translation>
    </message>
    <message>
        <source>  [site-definable]</source>
        <translation>  [可由站点定义]</translation>
    </message>
    <message>
        <source>Site-definable codes: {low}-{high} ({meaning})</source>
        <translation>可由站点定义的代码：{low}-{high}（{meaning}）</translation>
    </message>
</context>
<context>
    <name>Column</name>
    <message>
        <source>Begin</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>End</source>
        <translation>结束时间</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>座席</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>操作类型</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>操作对象</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>操作原因</translation>
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
        <source>Media type</source>
        <translation>媒体类型</translation>
    </message>
    <message>
        <source>Phone/IP</source>
        <translation>电话/IP</translation>
    </message>
    <message>
        <source>Logon session</source>
        <translation>签入序列号</translation>
    </message>
    <message>
        <source>Source file</source>
        <translation>来源文件</translation>
    </message>
    <message>
        <source>Agent type</source>
        <translation>座席类型</translation>
    </message>
    <message>
        <source>In/out</source>
        <translation>呼入呼出</translation>
    </message>
    <message>
        <source>Developer ID</source>
        <translation>开发者ID</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>企业帐号</translation>
    </message>
    <message>
        <source>Service no.</source>
        <translation>业务类型ID</translation>
    </message>
    <message>
        <source>VDN</source>
        <translation>VDN</translation>
    </message>
    <message>
        <source>Call center</source>
        <translation>呼叫中心</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>分布式节点</translation>
    </message>
    <message>
        <source>Skill list</source>
        <translation>技能列表索引</translation>
    </message>
    <message>
        <source>Bill ID</source>
        <translation>话单ID</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>{where}: the database is locked by another program; try again when it is done</source>
        <translation>{where}：数据库被其他程序锁定；请在其完成后重试</translation>
    </message>
    <message>
        <source>{where}: the database is read-only; open a copy or check the file&apos;s permissions</source>
        <translation>{where}：数据库为只读；请打开其副本，或检查文件权限</translation>
    </message>
    <message>
        <source>{where}: this file is not a bill database or it is damaged ({error})</source>
        <translation>{where}：该文件不是话单数据库，或已损坏（{error}）</translation>
    </message>
    <message>
        <source>{where}: the database cannot be opened (missing folder or no permission)</source>
        <translation>{where}：无法打开数据库（文件夹不存在或没有权限）</translation>
    </message>
    <message>
        <source>{where}: the disk is full (the database&apos;s disk, or the temporary folder {temp} that SQLite sorts in)</source>
        <translation>{where}：磁盘已满（数据库所在磁盘，或SQLite用于排序的临时文件夹 {temp}）</translation>
    </message>
    <message>
        <source>{where}: the database&apos;s disk could not be read or written ({error})</source>
        <translation>{where}：无法读写数据库所在的磁盘（{error}）</translation>
    </message>
    <message>
        <source>not a bill database: it has tables but no version record</source>
        <translation>不是话单数据库：其中有表，但没有版本记录</translation>
    </message>
    <message>
        <source>not a bill database: no schema version recorded</source>
        <translation>不是话单数据库：没有记录模式版本</translation>
    </message>
    <message>
        <source>damaged bill database: its schema version {value} is not a number</source>
        <translation>话单数据库已损坏：其模式版本 {value} 不是数字</translation>
    </message>
    <message>
        <source>damaged bill database: schema version {version} does not exist (versions start at 1)</source>
        <translation>话单数据库已损坏：模式版本 {version} 不存在（版本从 1 开始）</translation>
    </message>
    <message>
        <source>{path}: no such database</source>
        <translation>{path}：数据库不存在</translation>
    </message>
    <message>
        <source>{path}: not a file, not a bill database</source>
        <translation>{path}：不是文件，不是话单数据库</translation>
    </message>
    <message>
        <source>{path}: the database cannot be opened ({error})</source>
        <translation>{path}：无法打开数据库（{error}）</translation>
    </message>
    <message>
        <source>{path}: empty file, not a bill database</source>
        <translation>{path}：空文件，不是话单数据库</translation>
    </message>
    <message>
        <source>{path}: old schema {version}; open it writable once</source>
        <translation>{path}：旧的模式版本 {version}；请以可写方式打开一次</translation>
    </message>
    <message>
        <source>{path}: this database was written by a newer Agent Bill Viewer (schema {version}; this version reads up to {newest}). Update the application to open it.</source>
        <translation>{path}：该数据库由更新版本的Agent Bill Viewer写入（模式版本 {version}；本版本最高只能读取 {newest}）。请更新应用程序后再打开。</translation>
    </message>
    <message>
        <source>{path}: an empty database, not a bill database yet</source>
        <translation>{path}：空数据库，还不是话单数据库</translation>
    </message>
    <message>
        <source>damaged bill database: table(s) {tables} missing; import into a new database</source>
        <translation>话单数据库已损坏：缺少表 {tables}；请导入到新的数据库</translation>
    </message>
    <message>
        <source>{path}: the file name must end with .xlsx</source>
        <translation>{path}：文件名必须以 .xlsx 结尾</translation>
    </message>
    <message>
        <source>{path}: the file name is {size} bytes long; file systems take at most {most}: choose a shorter name</source>
        <translation>{path}：文件名长 {size} 字节；文件系统最多允许 {most} 字节：请选择较短的名称</translation>
    </message>
    <message>
        <source>{path}: no such folder; create it or choose another one</source>
        <translation>{path}：文件夹不存在；请创建它或选择其他文件夹</translation>
    </message>
    <message>
        <source>{path}: is a folder; give a file name ending with .xlsx</source>
        <translation>{path}：这是文件夹；请给出以 .xlsx 结尾的文件名</translation>
    </message>
    <message>
        <source>{path}: the file already exists; confirm overwriting it (--force) or choose another name</source>
        <translation>{path}：文件已存在；请确认覆盖（--force）或选择其他名称</translation>
    </message>
    <message>
        <source>{path}: the disk is full; nothing was written (free some space or choose another drive)</source>
        <translation>{path}：磁盘已满；未写入任何内容（请释放空间或选择其他磁盘）</translation>
    </message>
    <message>
        <source>{path}: cannot write the file: it is open in another program (close it in Excel) or you have no permission to write there</source>
        <translation>{path}：无法写入文件：文件已在其他程序中打开（请在Excel中关闭它），或您没有在此写入的权限</translation>
    </message>
    <message>
        <source>{path}: the file name or path is too long; choose a shorter one</source>
        <translation>{path}：文件名或路径太长；请选择较短的名称</translation>
    </message>
    <message>
        <source>{path}: the folder disappeared during the export; nothing was written</source>
        <translation>{path}：导出期间文件夹消失；未写入任何内容</translation>
    </message>
    <message>
        <source>{path}: cannot write the file ({error}); nothing was written</source>
        <translation>{path}：无法写入文件（{error}）；未写入任何内容</translation>
    </message>
    <message>
        <source>{url}: not a database URL ({error})</source>
        <translation>{url}：不是数据库 URL（{error}）</translation>
    </message>
    <message>
        <source>{url}: not a PostgreSQL URL</source>
        <translation>{url}：不是 PostgreSQL URL</translation>
    </message>
    <message>
        <source>{where}: cannot reach the team database ({error}); check the server, the network and the login, then reconnect</source>
        <translation>{where}：无法连接团队数据库（{error}）；请检查服务器、网络和登录信息，然后重新连接</translation>
    </message>
    <message>
        <source>{where}: the server refused the login ({error}); check the user and password</source>
        <translation>{where}：服务器拒绝登录（{error}）；请检查用户名和密码</translation>
    </message>
    <message>
        <source>{where}: this role may only read the team database; ask for the importer role to import or edit labels</source>
        <translation>{where}：此角色只能读取团队数据库；如需导入或编辑标签，请申请导入者角色</translation>
    </message>
    <message>
        <source>{where}: the database server is out of disk or memory ({error})</source>
        <translation>{where}：数据库服务器的磁盘或内存已耗尽（{error}）</translation>
    </message>
    <message>
        <source>{where}: the team database is busy with another session; try again ({error})</source>
        <translation>{where}：团队数据库正被另一个会话占用；请重试（{error}）</translation>
    </message>
    <message>
        <source>{where}: the server reports damaged data ({error}); ask its administrator</source>
        <translation>{where}：服务器报告数据已损坏（{error}）；请联系其管理员</translation>
    </message>
    <message>
        <source>{where}: the database server could not read or write its disk ({error})</source>
        <translation>{where}：数据库服务器无法读写其磁盘（{error}）</translation>
    </message>
    <message>
        <source>no room for the row keys of this sort in the temporary folder {folder} ({error})</source>
        <translation>临时文件夹 {folder} 没有空间存放此排序的行键（{error}）</translation>
    </message>
</context>
<context>
    <name>Filter</name>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>{shown} and {count} more</source>
        <translation>{shown}等（另有 {count} 项）</translation>
    </message>
    <message>
        <source>{words} {values}</source>
        <translation>{words} {values}</translation>
    </message>
    <message>
        <source>operation {types} or reason {reasons}</source>
        <translation>操作类型 {types} 或操作原因 {reasons}</translation>
    </message>
    <message>
        <source>operation</source>
        <translation>操作类型</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>操作原因</translation>
    </message>
    <message>
        <source>times {label}</source>
        <translation>时间{label}</translation>
    </message>
    <message>
        <source>going on between {start} and {end} (began before {end}, ended after {start} or not ended), {times}</source>
        <translation>在 {start} 至 {end} 之间进行中（开始早于 {end}，结束晚于 {start} 或尚未结束），{times}</translation>
    </message>
    <message>
        <source>going on after {start} (ended after it or not ended), {times}</source>
        <translation>在 {start} 之后进行中（结束晚于该时间或尚未结束），{times}</translation>
    </message>
    <message>
        <source>begin from {start} to before {end}, {times}</source>
        <translation>开始时间从 {start} 起、早于 {end}，{times}</translation>
    </message>
    <message>
        <source>begin at or after {start}, {times}</source>
        <translation>开始时间不早于 {start}，{times}</translation>
    </message>
    <message>
        <source>begin before {end}, {times}</source>
        <translation>开始时间早于 {end}，{times}</translation>
    </message>
    <message>
        <source>{count} selected bill(s)</source>
        <translation>选中的 {count} 张话单</translation>
    </message>
    <message>
        <source>agent</source>
        <translation>座席</translation>
    </message>
    <message>
        <source>agent not</source>
        <translation>座席不是</translation>
    </message>
    <message>
        <source>operation not</source>
        <translation>操作类型不是</translation>
    </message>
    <message>
        <source>reason not</source>
        <translation>操作原因不是</translation>
    </message>
    <message>
        <source>call ID</source>
        <translation>呼叫标识</translation>
    </message>
    <message>
        <source>skill</source>
        <translation>技能队列</translation>
    </message>
    <message>
        <source>media type</source>
        <translation>媒体类型</translation>
    </message>
    <message>
        <source>text containing {text}</source>
        <translation>文本包含 {text}</translation>
    </message>
    <message>
        <source>{code} ({text})</source>
        <translation>{code}（{text}）</translation>
    </message>
    <message>
        <source>invalid time {text}: expected YYYY-MM-DD[ HH:MM[:SS]]</source>
        <translation>无效的时间 {text}：应为 YYYY-MM-DD[ HH:MM[:SS]]</translation>
    </message>
    <message>
        <source>invalid time {text}: {error}</source>
        <translation>无效的时间 {text}：{error}</translation>
    </message>
    <message>
        <source>cannot sort by {sort}; choose one of {columns}</source>
        <translation>无法按 {sort} 排序；请从以下各项中选择：{columns}</translation>
    </message>
    <message>
        <source>Bills with {criteria}</source>
        <translation>话单：{criteria}</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>All bills</source>
        <translation>全部话单</translation>
    </message>
    <message>
        <source>{head}, sorted by {column} descending.</source>
        <translation>{head}，按{column}降序排列。</translation>
    </message>
    <message>
        <source>{head}, sorted by {column} ascending.</source>
        <translation>{head}，按{column}升序排列。</translation>
    </message>
    <message>
        <source>invalid reason {text}: expected TYPE:CODE, e.g. 3:201</source>
        <translation>无效的原因 {text}：应为 TYPE:CODE，例如 3:201</translation>
    </message>
</context>
<context>
    <name>Import</name>
    <message>
        <source>oversized line (over {size} KiB)</source>
        <translation>行过长（超过 {size} KiB）</translation>
    </message>
    <message>
        <source>undecodable bytes (neither UTF-8 nor GB18030)</source>
        <translation>无法解码的字节（既不是UTF-8也不是GB18030）</translation>
    </message>
    <message>
        <source>unterminated quote (a quoted field runs on past the end of this line)</source>
        <translation>引号未闭合（带引号的字段越过了本行末尾）</translation>
    </message>
    <message>
        <source>malformed CSV ({error})</source>
        <translation>CSV格式错误（{error}）</translation>
    </message>
    <message>
        <source>more than 21 fields and a lone CR (carriage return) in the line: records joined by CR line ends in a file whose lines end with LF?</source>
        <translation>字段多于21个且行内有单独的CR（回车）：是否在以LF换行的文件中混入了以CR换行而连在一起的记录？</translation>
    </message>
    <message>
        <source>too few columns ({count}; a bill has {min} to 21)</source>
        <translation>列数太少（{count} 列；话单应有 {min} 到 21 列）</translation>
    </message>
    <message>
        <source>empty bill id</source>
        <translation>话单ID为空</translation>
    </message>
    <message>
        <source>unparseable {field} {value}</source>
        <translation>无法解析的 {field} {value}</translation>
    </message>
    <message>
        <source>{field} {value} outside the range the viewer can show and export ({range})</source>
        <translation>{field} {value} 超出本程序能显示和导出的范围（{range}）</translation>
    </message>
    <message>
        <source>header row recognised</source>
        <translation>已识别表头行</translation>
    </message>
    <message>
        <source>{count} line(s) had extra trailing columns, kept aside</source>
        <translation>{count} 行末尾有多余的列，已另行保存</translation>
    </message>
    <message>
        <source>{count} bill id(s) already stored with other values</source>
        <translation>{count} 个话单ID已以不同的值存储</translation>
    </message>
    <message>
        <source>{name}: cancelled, nothing of this file was kept</source>
        <translation>{name}：已取消，该文件的内容均未保留</translation>
    </message>
    <message>
        <source>{name}: already imported on {when} (as {first}); use --force to read it again</source>
        <translation>{name}：已于 {when} 导入（当时为 {first}）；如需重新读取，请使用 --force</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>{name}: not an agent operation bill export (no line has {min}-21 fields with a begin time in field 8)</source>
        <translation>{name}：不是座席操作详单导出文件（没有哪一行有 {min}-21 个字段且第 8 个字段为开始时间）</translation>
    </message>
    <message>
        <source>{name}: binary data, not a CSV bill export</source>
        <translation>{name}：二进制数据，不是CSV话单导出文件</translation>
    </message>
    <message>
        <source>{name}: empty file, no bills in it</source>
        <translation>{name}：空文件，其中没有话单</translation>
    </message>
    <message>
        <source>{name}: only blank lines, no bills in it</source>
        <translation>{name}：只有空行，其中没有话单</translation>
    </message>
    <message>
        <source>{name}: line {line}: {reason}</source>
        <translation>{name}：第 {line} 行：{reason}</translation>
    </message>
    <message>
        <source>{name}: cannot read ({error})</source>
        <translation>{name}：无法读取（{error}）</translation>
    </message>
    <message>
        <source>{name}: no longer in the zip archive</source>
        <translation>{name}：已不在zip压缩包中</translation>
    </message>
    <message>
        <source>{name}: the zip member is encrypted (password-protected); extract it with its password and import the CSV</source>
        <translation>{name}：zip中的该文件已加密（受密码保护）；请用其密码解压后导入CSV</translation>
    </message>
    <message>
        <source>{name}: the zip member is compressed with a method this program cannot read ({error}); extract it with an archive tool and import the CSV</source>
        <translation>{name}：zip中的该文件使用了本程序无法读取的压缩方法（{error}）；请用解压工具解压后导入CSV</translation>
    </message>
    <message>
        <source>{name}: the zip member is damaged, it cannot be decompressed ({error})</source>
        <translation>{name}：zip中的该文件已损坏，无法解压（{error}）</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>a label needs some text; use &apos;labels unset&apos; to remove one</source>
        <translation>标签需要文字；要删除标签，请使用“labels unset”</translation>
    </message>
    <message>
        <source>operation type {op_type} reason {code} is defined by the vendor, not by the site; only site-defined codes can be labelled (see &apos;bill-viewer labels list&apos;)</source>
        <translation>操作类型 {op_type} 的原因 {code} 由厂商定义，而非站点定义；只有站点自定义的代码才能加标签（见“bill-viewer labels list”）</translation>
    </message>
</context>
<context>
    <name>MediaType</name>
    <message>
        <source>Text chat</source>
        <translation>文字交谈</translation>
    </message>
    <message>
        <source>Click-to-dial web phone</source>
        <translation>点击通话</translation>
    </message>
    <message>
        <source>Co-browsing</source>
        <translation>护航浏览、表单共享</translation>
    </message>
    <message>
        <source>Callback request</source>
        <translation>回呼请求呼叫</translation>
    </message>
    <message>
        <source>Voice call</source>
        <translation>普通语音电话</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>电子邮件呼叫</translation>
    </message>
    <message>
        <source>Fax</source>
        <translation>传真呼叫</translation>
    </message>
    <message>
        <source>H.323 video</source>
        <translation>IP视频呼叫（H.323）</translation>
    </message>
    <message>
        <source>Whiteboard</source>
        <translation>电子白板</translation>
    </message>
    <message>
        <source>Application sharing</source>
        <translation>应用程序共享</translation>
    </message>
    <message>
        <source>File transfer</source>
        <translation>文件传输</translation>
    </message>
    <message>
        <source>Video 2B+D</source>
        <translation>2B+D ISDN视频呼叫</translation>
    </message>
    <message>
        <source>Video 6B+D</source>
        <translation>6B+D ISDN视频呼叫</translation>
    </message>
    <message>
        <source>OPS</source>
        <translation>OPS呼叫</translation>
    </message>
    <message>
        <source>Predictive outbound</source>
        <translation>预测呼出</translation>
    </message>
    <message>
        <source>Preview outbound</source>
        <translation>预浏览呼出</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息媒体</translation>
    </message>
    <message>
        <source>Web phone video</source>
        <translation>视频点击通话</translation>
    </message>
    <message>
        <source>Video call</source>
        <translation>视频普通呼叫</translation>
    </message>
    <message>
        <source>Web leave-message</source>
        <translation>非实时呼叫（网页留言）</translation>
    </message>
    <message>
        <source>Desktop sharing</source>
        <translation>桌面共享</translation>
    </message>
    <message>
        <source>VC call</source>
        <translation>VC呼叫</translation>
    </message>
    <message>
        <source>Email chat</source>
        <translation>邮件交谈</translation>
    </message>
    <message>
        <source>Web chat</source>
        <translation>网络交谈</translation>
    </message>
    <message>
        <source>SMS chat</source>
        <translation>短信交谈</translation>
    </message>
    <message>
        <source>Social multimedia chat</source>
        <translation>社交媒体文字交谈</translation>
    </message>
    <message>
        <source>Fax chat</source>
        <translation>传真交谈</translation>
    </message>
    <message>
        <source>H5 video chat</source>
        <translation>H5视频</translation>
    </message>
</context>
<context>
    <name>OpType</name>
    <message>
        <source>The agent logs out of the CCS.</source>
        <translation>座席签出CCS。</translation>
    </message>
    <message>
        <source>Logout</source>
        <translation>签出</translation>
    </message>
    <message>
        <source>The agent logs in to the CCS.</source>
        <translation>座席签入CCS。</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>签入</translation>
    </message>
    <message>
        <source>The agent indicates idle.</source>
        <translation>座席示闲（空闲）。</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>The agent indicates busy.</source>
        <translation>座席示忙。</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>示忙</translation>
    </message>
    <message>
        <source>Conversation status.</source>
        <translation>通话态。</translation>
    </message>
    <message>
        <source>Conversation (text)</source>
        <translation>通话态（文字交谈）</translation>
    </message>
    <message>
        <source>Text conversations only: the conversation status in these bills refers to text conversations.</source>
        <translation>仅文字交谈：此类话单中的通话态仅表示文字交谈。</translation>
    </message>
    <message>
        <source>Waiting for answer from an agent after distributing a call to the agent.</source>
        <translation>等待应答：给座席分配来话后等待座席应答。</translation>
    </message>
    <message>
        <source>Waiting for answer</source>
        <translation>等待应答</translation>
    </message>
    <message>
        <source>The agent waits for the connection success message after answering a call or making an outgoing call successfully.</source>
        <translation>座席应答或呼出成功后，等待连接成功的消息。</translation>
    </message>
    <message>
        <source>Waiting for connection</source>
        <translation>等待连接</translation>
    </message>
    <message>
        <source>The agent releases a call.</source>
        <translation>座席拆线。</translation>
    </message>
    <message>
        <source>Call released</source>
        <translation>拆线</translation>
    </message>
    <message>
        <source>The agent requests disconnecting.</source>
        <translation>请求释放。</translation>
    </message>
    <message>
        <source>Disconnect requested</source>
        <translation>请求释放</translation>
    </message>
    <message>
        <source>The agent waits for the called to ring when making an outgoing call.</source>
        <translation>呼出时等待被叫振铃。</translation>
    </message>
    <message>
        <source>Outgoing call: waiting for ringing</source>
        <translation>呼出：等待被叫振铃</translation>
    </message>
    <message>
        <source>Three-party conversation.</source>
        <translation>三方通话。</translation>
    </message>
    <message>
        <source>Three-party conversation</source>
        <translation>三方通话</translation>
    </message>
    <message>
        <source>Agent channel fails or the agent is down.</source>
        <translation>座席通道坏或座席死机。</translation>
    </message>
    <message>
        <source>Agent channel down</source>
        <translation>座席通道故障</translation>
    </message>
    <message>
        <source>Agent channel or agent is restored.</source>
        <translation>座席通道或座席已恢复。</translation>
    </message>
    <message>
        <source>Agent channel restored</source>
        <translation>座席通道已恢复</translation>
    </message>
    <message>
        <source>The call transfers from the manual flow to the automatic flow. The agent is suspended.</source>
        <translation>人工转自动，座席处于挂起状态。</translation>
    </message>
    <message>
        <source>Suspended (call sent to automatic flow)</source>
        <translation>挂起（人工转自动）</translation>
    </message>
    <message>
        <source>The agent is listened in to or intruded.</source>
        <translation>座席被监听或插入。</translation>
    </message>
    <message>
        <source>Being listened in to</source>
        <translation>被监听或插入</translation>
    </message>
    <message>
        <source>The agent is not listened in to or intruded.</source>
        <translation>座席停止被监听或插入。</translation>
    </message>
    <message>
        <source>No longer listened in to</source>
        <translation>停止被监听或插入</translation>
    </message>
    <message>
        <source>The agent is recorded.</source>
        <translation>座席被录音。</translation>
    </message>
    <message>
        <source>Being recorded</source>
        <translation>被录音</translation>
    </message>
    <message>
        <source>The agent is not recorded.</source>
        <translation>座席停止被录音。</translation>
    </message>
    <message>
        <source>No longer recorded</source>
        <translation>停止被录音</translation>
    </message>
    <message>
        <source>The agent is monitored.</source>
        <translation>座席被监视。</translation>
    </message>
    <message>
        <source>Being monitored</source>
        <translation>被监视</translation>
    </message>
    <message>
        <source>The agent is not monitored.</source>
        <translation>座席停止被监视。</translation>
    </message>
    <message>
        <source>No longer monitored</source>
        <translation>停止被监视</translation>
    </message>
    <message>
        <source>The agent is listening in or intruding or whispering.</source>
        <translation>座席监听、插入或耳语。</translation>
    </message>
    <message>
        <source>Listening in / intruding / whispering</source>
        <translation>监听/插入/耳语</translation>
    </message>
    <message>
        <source>The agent is not listening in or intruding or whispering.</source>
        <translation>座席停止监听、插入或耳语。</translation>
    </message>
    <message>
        <source>Stopped listening in / intruding / whispering</source>
        <translation>停止监听/插入/耳语</translation>
    </message>
    <message>
        <source>Voice playing.</source>
        <translation>放音。</translation>
    </message>
    <message>
        <source>Voice playing</source>
        <translation>放音</translation>
    </message>
    <message>
        <source>Stopping the voice playing.</source>
        <translation>停止放音。</translation>
    </message>
    <message>
        <source>Voice playing stopped</source>
        <translation>停止放音</translation>
    </message>
    <message>
        <source>Monitoring.</source>
        <translation>监视。</translation>
    </message>
    <message>
        <source>Monitoring</source>
        <translation>监视</translation>
    </message>
    <message>
        <source>Stopping monitoring.</source>
        <translation>停止监视。</translation>
    </message>
    <message>
        <source>Monitoring stopped</source>
        <translation>停止监视</translation>
    </message>
    <message>
        <source>The agent rests.</source>
        <translation>座席休息。</translation>
    </message>
    <message>
        <source>Rest</source>
        <translation>休息</translation>
    </message>
    <message>
        <source>The reason for agent rest is specified when the client invokes CCC_REQUEST_REST_EX_Msg (the default value is 0).</source>
        <translation>休息原因由客户端调用CCC_REQUEST_REST_EX_Msg时指定（默认为0）。</translation>
    </message>
    <message>
        <source>Work status.</source>
        <translation>工作状态。</translation>
    </message>
    <message>
        <source>Work</source>
        <translation>工作态</translation>
    </message>
    <message>
        <source>The default value is 0.</source>
        <translation>缺省为0，即事后整理。</translation>
    </message>
    <message>
        <source>Listening in to and intruding a call.</source>
        <translation>监听插入呼叫。</translation>
    </message>
    <message>
        <source>Listen-in and intrusion</source>
        <translation>监听插入呼叫</translation>
    </message>
    <message>
        <source>Forcible logout.</source>
        <translation>强制签出。</translation>
    </message>
    <message>
        <source>Forcible logout</source>
        <translation>强制签出</translation>
    </message>
    <message>
        <source>Forcible idle.</source>
        <translation>强制示闲。</translation>
    </message>
    <message>
        <source>Forcible idle</source>
        <translation>强制示闲</translation>
    </message>
    <message>
        <source>Forcible busy.</source>
        <translation>强制示忙。</translation>
    </message>
    <message>
        <source>Forcible busy</source>
        <translation>强制示忙</translation>
    </message>
    <message>
        <source>The agent is mute to the user.</source>
        <translation>座席对用户静音。</translation>
    </message>
    <message>
        <source>Muted to the user</source>
        <translation>对用户静音</translation>
    </message>
    <message>
        <source>The agent cancels the mute status to the user.</source>
        <translation>结束静音，座席取消对用户静音。</translation>
    </message>
    <message>
        <source>Mute cancelled</source>
        <translation>结束静音</translation>
    </message>
    <message>
        <source>The agent enters the study status.</source>
        <translation>座席进入学习态。</translation>
    </message>
    <message>
        <source>Study</source>
        <translation>学习态</translation>
    </message>
    <message>
        <source>The agent enters the work status.</source>
        <translation>座席进入工作态。</translation>
    </message>
    <message>
        <source>Work status entered</source>
        <translation>进入工作态</translation>
    </message>
    <message>
        <source>The agent enters the adjusting status.</source>
        <translation>座席进入调整态。</translation>
    </message>
    <message>
        <source>Adjusting status entered</source>
        <translation>进入调整态</translation>
    </message>
    <message>
        <source>The agent ends the work status.</source>
        <translation>座席结束工作态。</translation>
    </message>
    <message>
        <source>Work status ended</source>
        <translation>结束工作态</translation>
    </message>
    <message>
        <source>The agent holds the call.</source>
        <translation>座席保持呼叫。</translation>
    </message>
    <message>
        <source>Call held</source>
        <translation>保持呼叫</translation>
    </message>
    <message>
        <source>The agent picks the held call.</source>
        <translation>座席取回被保持的呼叫。</translation>
    </message>
    <message>
        <source>Held call picked up</source>
        <translation>取回保持的呼叫</translation>
    </message>
    <message>
        <source>The agent requests an internal help.</source>
        <translation>座席发起内部求助。</translation>
    </message>
    <message>
        <source>Internal help</source>
        <translation>内部求助</translation>
    </message>
    <message>
        <source>The agent makes an internal call.</source>
        <translation>座席发起内部呼叫。</translation>
    </message>
    <message>
        <source>Internal call</source>
        <translation>内部呼叫</translation>
    </message>
    <message>
        <source>The agent connects a held call.</source>
        <translation>座席连接被保持的呼叫。</translation>
    </message>
    <message>
        <source>Held call connected</source>
        <translation>连接保持的呼叫</translation>
    </message>
    <message>
        <source>The agent intercepts a call.</source>
        <translation>座席拦截呼叫。</translation>
    </message>
    <message>
        <source>Call intercepted</source>
        <translation>拦截呼叫</translation>
    </message>
    <message>
        <source>The agent halts the voice playing.</source>
        <translation>座席暂停放音。</translation>
    </message>
    <message>
        <source>Voice playing halted</source>
        <translation>暂停放音</translation>
    </message>
    <message>
        <source>The agent transfers the call internally.</source>
        <translation>座席内部转移呼叫。</translation>
    </message>
    <message>
        <source>Internal transfer</source>
        <translation>内部转移</translation>
    </message>
    <message>
        <source>The agent transfers a call out.</source>
        <translation>座席转出呼叫。</translation>
    </message>
    <message>
        <source>Transfer out</source>
        <translation>转出</translation>
    </message>
    <message>
        <source>The agent logs in to the media server.</source>
        <translation>座席签入媒体服务器。</translation>
    </message>
    <message>
        <source>Media server login</source>
        <translation>签入媒体服务器</translation>
    </message>
    <message>
        <source>Video image screening.</source>
        <translation>视频图像筛选。</translation>
    </message>
    <message>
        <source>Video image screening</source>
        <translation>视频图像筛选</translation>
    </message>
    <message>
        <source>Video and audio screening.</source>
        <translation>视频和音频筛选。</translation>
    </message>
    <message>
        <source>Video and audio screening</source>
        <translation>视频和音频筛选</translation>
    </message>
    <message>
        <source>The agent logs out of the media server.</source>
        <translation>座席签出媒体服务器。</translation>
    </message>
    <message>
        <source>Media server logout</source>
        <translation>签出媒体服务器</translation>
    </message>
    <message>
        <source>The agent transfers the call which is queuing in the common queue.</source>
        <translation>转移正在公有队列中排队的呼叫。</translation>
    </message>
    <message>
        <source>Queued call transferred</source>
        <translation>转移排队中的呼叫</translation>
    </message>
    <message>
        <source>Release transfer.</source>
        <translation>释放转。</translation>
    </message>
    <message>
        <source>Release transfer</source>
        <translation>释放转</translation>
    </message>
    <message>
        <source>The call is transferred to another device.</source>
        <translation>呼叫转移到其他设备。</translation>
    </message>
    <message>
        <source>Transferred to another device</source>
        <translation>转移到其他设备</translation>
    </message>
    <message>
        <source>Configure agent status.</source>
        <translation>设置座席状态。</translation>
    </message>
    <message>
        <source>Agent status set</source>
        <translation>设置座席状态</translation>
    </message>
    <message>
        <source>Agent status code defined by the service side.</source>
        <translation>业务侧自定义的座席状态码。</translation>
    </message>
    <message>
        <source>Switch the call held during internal-help request processing.</source>
        <translation>内部求助时切换保持的呼叫。</translation>
    </message>
    <message>
        <source>Internal help: held call switched</source>
        <translation>内部求助时切换保持</translation>
    </message>
    <message>
        <source>Internal-help request switching.</source>
        <translation>内部求助切换。</translation>
    </message>
    <message>
        <source>The agent is in the conference state.</source>
        <translation>座席进入“会议态”。</translation>
    </message>
    <message>
        <source>Conference</source>
        <translation>会议态</translation>
    </message>
    <message>
        <source>Multimedia collaboration.</source>
        <translation>多媒体协同。</translation>
    </message>
    <message>
        <source>Multimedia collaboration</source>
        <translation>多媒体协同</translation>
    </message>
    <message>
        <source>Conversation (all calls)</source>
        <translation>通话态（所有呼叫）</translation>
    </message>
    <message>
        <source>All call types; whether these bills are recorded is controlled by the licence.</source>
        <translation>所有呼叫类型；是否记录此类话单由License控制。</translation>
    </message>
</context>
<context>
    <name>Reason</name>
    <message>
        <source>The agent does not really exit the conversation status. Bills are generated every five minutes starting from 00:00 to 23:55.</source>
        <translation>座席未真实退出通话态，从00:00到23:55每5分钟输出一张话单。</translation>
    </message>
    <message>
        <source>Still in conversation (5-minute piece)</source>
        <translation>仍在通话（5分钟分段话单）</translation>
    </message>
    <message>
        <source>The agent fully exits the conversation status.</source>
        <translation>座席完全退出通话态时输出的话单。</translation>
    </message>
    <message>
        <source>Conversation ended</source>
        <translation>通话结束</translation>
    </message>
    <message>
        <source>Causes are transmitted by clients.</source>
        <translation>客户端传入原因。</translation>
    </message>
    <message>
        <source>Cause sent by the client</source>
        <translation>客户端传入的原因</translation>
    </message>
    <message>
        <source>An agent console is disconnected from the call center platform.</source>
        <translation>座席与平台断连。</translation>
    </message>
    <message>
        <source>Agent console disconnected</source>
        <translation>座席与平台断连</translation>
    </message>
    <message>
        <source>An agent is forced by a QC inspector to log out of the call center platform.</source>
        <translation>座席被质检员强制签出。</translation>
    </message>
    <message>
        <source>Forced out by a QC inspector</source>
        <translation>被质检员强制签出</translation>
    </message>
    <message>
        <source>An agent proactively logs out of the call center platform.</source>
        <translation>座席主动签出。</translation>
    </message>
    <message>
        <source>Logged out by the agent</source>
        <translation>座席主动签出</translation>
    </message>
    <message>
        <source>An agent logs out of the call center platform before re-login.</source>
        <translation>座席重新签入前的签出。</translation>
    </message>
    <message>
        <source>Logged out before logging in again</source>
        <translation>重新签入前的签出</translation>
    </message>
    <message>
        <source>The handshake for agent control blocks between the media server and CCS times out.</source>
        <translation>媒体服务器和CCS关于座席控制块握手超时。</translation>
    </message>
    <message>
        <source>Media server-CCS handshake timed out</source>
        <translation>媒体服务器与CCS握手超时</translation>
    </message>
    <message>
        <source>The CCS detects the time-out of the handshake for agent control blocks between the CCS and UIS.</source>
        <translation>CCS检测到与UIS关于座席控制块握手超时。</translation>
    </message>
    <message>
        <source>CCS-UIS handshake timed out</source>
        <translation>CCS与UIS握手超时</translation>
    </message>
    <message>
        <source>An agent logs out of the call center platform because the media server is disconnected from the CCS.</source>
        <translation>媒体服务器与CCS握手断连导致座席签出。</translation>
    </message>
    <message>
        <source>Media server disconnected from the CCS</source>
        <translation>媒体服务器与CCS断连</translation>
    </message>
    <message>
        <source>The handshake between the UIS and agent console times out.</source>
        <translation>UIS与座席握手超时。</translation>
    </message>
    <message>
        <source>UIS-agent console handshake timed out</source>
        <translation>UIS与座席握手超时</translation>
    </message>
    <message>
        <source>The agent ID is being used to forcibly log in on another client. As a result, the current agent is forced to log out.</source>
        <translation>具有相同工号的座席正在新的客户端强制登录，导致本座席被强制签出。</translation>
    </message>
    <message>
        <source>Forced out by a login elsewhere</source>
        <translation>工号在其他客户端登录，被强制签出</translation>
    </message>
    <message>
        <source>The agent indicates busy.</source>
        <translation>自己示忙。</translation>
    </message>
    <message>
        <source>Set busy by the agent</source>
        <translation>自己示忙</translation>
    </message>
    <message>
        <source>The agent indicates busy forcibly for not answering the call when the phone rings for a long time.</source>
        <translation>久不应答被示忙：电话长时间振铃未应答，座席被强制示忙。</translation>
    </message>
    <message>
        <source>Forced busy: call not answered</source>
        <translation>久不应答被示忙</translation>
    </message>
    <message>
        <source>The agent being inspected is forced to indicate busy.</source>
        <translation>被质检员强制示忙。</translation>
    </message>
    <message>
        <source>Forced busy by an inspector</source>
        <translation>被质检员强制示忙</translation>
    </message>
    <message>
        <source>The agent has a rest.</source>
        <translation>休息。</translation>
    </message>
    <message>
        <source>Rest</source>
        <translation>休息</translation>
    </message>
    <message>
        <source>The agent phone is unavailable.</source>
        <translation>座席电话不可用。</translation>
    </message>
    <message>
        <source>Phone unavailable</source>
        <translation>座席电话不可用</translation>
    </message>
    <message>
        <source>The agent rejects the call.</source>
        <translation>座席拒接呼叫。</translation>
    </message>
    <message>
        <source>Call rejected</source>
        <translation>座席拒接呼叫</translation>
    </message>
    <message>
        <source>Reason codes defined by the service side.</source>
        <translation>业务自定义原因码。</translation>
    </message>
    <message>
        <source>Busy reason defined by the site</source>
        <translation>本站点自定义的示忙原因</translation>
    </message>
    <message>
        <source>Listening in to another agent</source>
        <translation>监听座席</translation>
    </message>
    <message>
        <source>Listening in to a trunk</source>
        <translation>监听中继</translation>
    </message>
    <message>
        <source>Adjusting after the call: the service system sets that the agent automatically enters the Working state.</source>
        <translation>事后整理：业务侧设置座席自动进入工作态。</translation>
    </message>
    <message>
        <source>After-call adjusting set by the system</source>
        <translation>事后整理（系统设置）</translation>
    </message>
    <message>
        <source>Adjusting: the agent invokes an interface to enter the Working state.</source>
        <translation>手动调整：由座席通过调用接口手动进入工作态。</translation>
    </message>
    <message>
        <source>Adjusting entered through the interface</source>
        <translation>通过接口手动调整</translation>
    </message>
    <message>
        <source>The call is held by a QC inspector</source>
        <translation>呼叫被质检员保持</translation>
    </message>
    <message>
        <source>Help between uncertain parties</source>
        <translation>无组合操作</translation>
    </message>
    <message>
        <source>Help, parties not determined</source>
        <translation>求助（无组合操作）</translation>
    </message>
    <message>
        <source>Requesting help between two parties</source>
        <translation>两方人工求助</translation>
    </message>
    <message>
        <source>Two-party help</source>
        <translation>两方求助</translation>
    </message>
    <message>
        <source>Requesting help between three parties</source>
        <translation>三方人工求助</translation>
    </message>
    <message>
        <source>Three-party help</source>
        <translation>三方求助</translation>
    </message>
    <message>
        <source>The call is transferred. The called party talks to the agent first after answering the call. The agent connects the caller and the called while hooking on.</source>
        <translation>通话转：被叫应答后先和座席通话，座席释放时连接主被叫用户。</translation>
    </message>
    <message>
        <source>Transfer after consultation</source>
        <translation>通话转</translation>
    </message>
    <message>
        <source>The call is transferred among three parties. The called party talks to the agent first after answering the call. The agent connects the caller and the called while hooking on.</source>
        <translation>三方通话转：被叫应答后实现三方通话，座席释放时连接主被叫用户。</translation>
    </message>
    <message>
        <source>Three-party transfer after consultation</source>
        <translation>三方通话转</translation>
    </message>
    <message>
        <source>Three-party conversation</source>
        <translation>三方通话</translation>
    </message>
    <message>
        <source>Connecting the call</source>
        <translation>连接呼叫</translation>
    </message>
    <message>
        <source>Initiating a multimedia conference</source>
        <translation>发起多媒体会议</translation>
    </message>
    <message>
        <source>Started a multimedia conference</source>
        <translation>发起多媒体会议</translation>
    </message>
    <message>
        <source>Joining a multimedia conference</source>
        <translation>加入多媒体会议</translation>
    </message>
    <message>
        <source>Joined a multimedia conference</source>
        <translation>加入多媒体会议</translation>
    </message>
    <message>
        <source>Logout cause sent by the client (each site defines its own)</source>
        <translation>客户端传入的签出原因（各站点自行定义）</translation>
    </message>
    <message>
        <source>Busy reason code defined by the service side</source>
        <translation>业务自定义的示忙原因码</translation>
    </message>
    <message>
        <source>Rest reason set by the client; 0 is the default</source>
        <translation>客户端指定的休息原因，默认为0</translation>
    </message>
    <message>
        <source>Adjusting reason entered through the interface</source>
        <translation>通过接口进入工作态的调整原因</translation>
    </message>
    <message>
        <source>Agent status code defined by the service side</source>
        <translation>业务侧自定义的座席状态码</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <source>SHA-256 of the exported rows</source>
        <translation>导出行的SHA-256</translation>
    </message>
    <message>
        <source>Bills exported</source>
        <translation>导出的话单数</translation>
    </message>
    <message>
        <source>Signed by</source>
        <translation>签名者</translation>
    </message>
    <message>
        <source>Signing key (Ed25519 public key, base64)</source>
        <translation>签名密钥（Ed25519公钥，base64）</translation>
    </message>
    <message>
        <source>Signing key fingerprint</source>
        <translation>签名密钥指纹</translation>
    </message>
    <message>
        <source>Signature (Ed25519, base64)</source>
        <translation>签名（Ed25519，base64）</translation>
    </message>
    <message>
        <source>The SHA-256 of the rows only catches accidents: anyone who edits a cell can recompute it. The signature covers the whole workbook (every sheet, cell, type and number format, this Report&apos;s statements included) and can only be made with the private key whose public key and fingerprint are above. A valid signature proves that nothing changed since the holder of that key made the file. It does not prove who holds the key (compare the fingerprint with the one the maker gave you, or check with &apos;bill-viewer verify FILE.xlsx --key THEIR-KEY.pem&apos;), that the database and its source files were complete or genuine, or when the file was made (&apos;Generated at&apos; is the clock of the computer that made it).</source>
        <translation>各行的SHA-256只能发现意外改动：任何人修改单元格后都可以重新计算它。签名覆盖整个工作簿（每个工作表、单元格、类型和数字格式，包括本报告中的各项说明），只有持有上方公钥及指纹所对应私钥的人才能生成。有效的签名证明文件自该密钥持有者生成以来未被改动。它不能证明谁持有该密钥（请将指纹与制作者提供给您的指纹比对，或用“bill-viewer verify FILE.xlsx --key THEIR-KEY.pem”检查），不能证明数据库及其来源文件完整或真实，也不能证明文件的生成时间（“生成时间”取自生成文件的计算机时钟）。</translation>
    </message>
    <message>
        <source>Take the sheets Bills, Bills (2), ... in order: the header row once, then every row below the header of each sheet (an empty export&apos;s single note row excepted). Write each cell as text: an empty cell as nothing; text as Excel shows it, which is not always as it is stored: the file keeps a character XML cannot carry (a control character such as CR) as Excel&apos;s escape _xHHHH_ and a literal &apos;_xHHHH_&apos; of the data as &apos;_x005F_xHHHH_&apos;; Excel decodes these, openpyxl and some other readers return them as stored, so replace every _xHHHH_ (H a hex digit) by the character U+HHHH in one left-to-right pass; a whole number in decimal digits, any other number as Python&apos;s repr() of the float, a date-time as YYYY-MM-DD HH:MM:SS. A cell cut to fit Excel&apos;s limit counts as it stands, its &apos;… [truncated, N characters]&apos; included. Pad each row with empty cells to the header&apos;s width, join its cells with a tab (U+0009) and end it with a line feed (U+000A). The SHA-256 of that text encoded as UTF-8, in hex, must equal the value above. &apos;bill-viewer verify FILE.xlsx&apos; recomputes it.</source>
        <translation>按顺序读取工作表“话单”“话单 (2)”……：表头行只取一次，然后取每个工作表表头以下的每一行（空导出中唯一的说明行除外）。把每个单元格写成文本：空单元格为空；文本按Excel显示的样子，而不总是按存储的样子：文件把XML无法承载的字符（如CR等控制字符）存为Excel的转义_xHHHH_，把数据中字面的“_xHHHH_”存为“_x005F_xHHHH_”；Excel会解码这些转义，而openpyxl等读取工具按存储原样返回，因此需从左到右一次性把每个_xHHHH_（H为十六进制数字）替换为字符U+HHHH；整数写成十进制数字，其他数字写成Python对该浮点数的repr()，日期时间写成YYYY-MM-DD HH:MM:SS。因超出Excel上限而被截断的单元格按其现有内容计算，包括其中的“… [truncated, N characters]”。每行用空单元格补齐到表头的宽度，单元格之间用制表符（U+0009）连接，行末加换行符（U+000A）。该文本按UTF-8编码后的SHA-256（十六进制）必须等于上方的值。“bill-viewer verify FILE.xlsx”会重新计算它。</translation>
    </message>
    <message>
        <source>Cells cut to Excel&apos;s limit</source>
        <translation>因Excel上限而截断的单元格</translation>
    </message>
    <message>
        <source>Filter (JSON)</source>
        <translation>筛选条件（JSON）</translation>
    </message>
    <message>
        <source>Begin and end are {label}: the platform&apos;s bill export carries no time zone, so they are the wall-clock times it wrote, unconverted. Durations are end minus begin in seconds.</source>
        <translation>开始时间和结束时间为{label}：平台导出的话单不带时区，因此它们是平台写入的本地钟点时间，未经换算。时长为结束时间减开始时间，单位为秒。</translation>
    </message>
    <message>
        <source>The source files&apos; &apos;Imported at&apos;: the database records each import in the local time of the computer that ran it, without a zone. It is shown here in ISO 8601 with the UTC offset that this computer&apos;s time zone ({zone}) had on that date, as &apos;Generated at&apos; is; an import run on a computer in another zone keeps its wall-clock time but not its offset.</source>
        <translation>来源文件的“导入时间”：数据库按执行导入的计算机的本地时间记录每次导入，不带时区。此处与“生成时间”一样以ISO 8601显示，并加上本计算机时区（{zone}）在该日期的UTC偏移；在其他时区的计算机上执行的导入保留其钟点时间，但不保留其偏移。</translation>
    </message>
    <message>
        <source>None: every value fits its cell (Excel holds at most {limit} characters).</source>
        <translation>无：每个值都能完整放入单元格（Excel单元格最多容纳 {limit} 个字符）。</translation>
    </message>
    <message>
        <source>Excel holds at most {limit} characters in a cell. These cells keep what fits and end with &apos;{mark}&apos;, N being the full length of the value (the database keeps it whole: find the bill by its Bill ID or its source file and line). The row hash covers the cells as written. By sheet and column: {places}.</source>
        <translation>Excel单元格最多容纳 {limit} 个字符。这些单元格保留能放下的部分，并以“{mark}”结尾，N为该值的完整长度（数据库中保存着完整的值：可按话单ID或来源文件及行号查找该话单）。行哈希按写入的单元格计算。按工作表和列统计：{places}。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>{count} bill(s) exported to the sheet(s) {sheets}.</source>
        <translation>已导出 {count} 张话单到工作表 {sheets}。</translation>
    </message>
    <message>
        <source>No bill matches the filter: the Bills sheet holds only its header and a note.</source>
        <translation>没有话单符合筛选条件：“话单”工作表只有表头和一行说明。</translation>
    </message>
    <message>
        <source>Agent Bill Viewer: bill export</source>
        <translation>Agent Bill Viewer：话单导出</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Generated at</source>
        <translation>生成时间</translation>
    </message>
    <message>
        <source>Generated by</source>
        <translation>生成者</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>应用程序</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>筛选条件</translation>
    </message>
    <message>
        <source>Filter lists on other sheets</source>
        <translation>其他工作表上的筛选列表</translation>
    </message>
    <message>
        <source>Columns (JSON)</source>
        <translation>列（JSON）</translation>
    </message>
    <message>
        <source>Times</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>local time</source>
        <translation>本地时间</translation>
    </message>
    <message>
        <source>Import times</source>
        <translation>导入时间</translation>
    </message>
    <message>
        <source>Bills in the database</source>
        <translation>数据库中的话单数</translation>
    </message>
    <message>
        <source>Bills matching the filter</source>
        <translation>符合筛选条件的话单数</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Sheets</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>How to recompute the SHA-256</source>
        <translation>如何重新计算SHA-256</translation>
    </message>
    <message>
        <source>About cut cells</source>
        <translation>关于截断的单元格</translation>
    </message>
    <message>
        <source>What the hash and the signature prove</source>
        <translation>哈希和签名能证明什么</translation>
    </message>
    <message>
        <source>How to check the signature</source>
        <translation>如何检查签名</translation>
    </message>
    <message>
        <source>Source files that contributed exported rows</source>
        <translation>提供了导出行的来源文件</translation>
    </message>
    <message>
        <source>File name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <source>Path when imported</source>
        <translation>导入时的路径</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Imported at</source>
        <translation>导入时间</translation>
    </message>
    <message>
        <source>Bills imported from the file</source>
        <translation>从该文件导入的话单数</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Site labels in force (names this site gives its own codes)</source>
        <translation>生效的站点标签（本站点为自定义代码所起的名称）</translation>
    </message>
    <message>
        <source>Operation type</source>
        <translation>操作类型</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Documented meaning</source>
        <translation>文档含义</translation>
    </message>
    <message>
        <source>not site-definable: the label is not used</source>
        <translation>不可由站点定义：该标签不会使用</translation>
    </message>
    <message>
        <source>The signature is an Ed25519 signature (RFC 8032) by the public key above of the text &apos;{version}&apos;, a line feed, and the 32 bytes of the SHA-256 of the workbook&apos;s canonical form. That form is UTF-8 text, one JSON line per line feed: the version line, then for every sheet in workbook order [&quot;sheet&quot;, TITLE] followed by one line per row from row 1, the row&apos;s cells in a JSON array with trailing empty cells left out. An empty cell is null, a text cell its text as the file stores it (Excel&apos;s _xHHHH_ escapes kept), any other cell an array [TYPE, NUMBER FORMAT, VALUE]: &quot;n&quot; a number (an integer in digits, else Python&apos;s repr of the float), &quot;d&quot; a date-time or time in ISO 8601 with a space (&quot;2026-11-02 10:15:30&quot;, fraction of a second only when there is one), &quot;t&quot; a duration as an integer of microseconds, &quot;b&quot; a boolean (TRUE, FALSE), or the file&apos;s own cell type (e.g. &quot;e&quot;, &quot;f&quot;) with the text. Values are as openpyxl&apos;s load_workbook reads them (dates from a date number format). The cell of this signature counts as empty. &apos;bill-viewer verify FILE.xlsx --key PUBLIC.pem&apos; checks it.</source>
        <translation>签名是上方公钥对以下内容所做的Ed25519签名（RFC 8032）：文本“{version}”、一个换行符，以及工作簿规范形式的SHA-256的32个字节。规范形式是UTF-8文本，每个换行符一行JSON：先是版本行，然后按工作簿顺序，对每个工作表先写一行 [&quot;sheet&quot;, TITLE]，再从第1行起每行写一行，该行的单元格组成一个JSON数组，末尾的空单元格省略。空单元格为null，文本单元格为文件中存储的文本（保留Excel的_xHHHH_转义），其他单元格为数组 [TYPE, NUMBER FORMAT, VALUE]：&quot;n&quot; 数字（整数写成数字，否则为Python对该浮点数的repr），&quot;d&quot; 日期时间或时间，写成以空格分隔的ISO 8601（&quot;2026-11-02 10:15:30&quot;，只有存在小数秒时才写小数部分），&quot;t&quot; 时长，写成微秒整数，&quot;b&quot; 布尔值（TRUE、FALSE），或文件自身的单元格类型（如 &quot;e&quot;、&quot;f&quot;）加文本。各值按openpyxl的load_workbook读取的结果（日期由日期数字格式确定）。本签名所在的单元格视为空。“bill-viewer verify FILE.xlsx --key PUBLIC.pem”可检查签名。</translation>
    </message>
</context>
<context>
    <name>Server</name>
    <message>
        <source>Connected to {database} on {where} (PostgreSQL {version})</source>
        <translation>已连接到 {where} 上的 {database}（PostgreSQL {version}）</translation>
    </message>
    <message>
        <source>{label}: cannot reach PostgreSQL from here ({error})</source>
        <translation>{label}：无法从本机连接 PostgreSQL（{error}）</translation>
    </message>
    <message>
        <source>the connection failed</source>
        <translation>连接失败</translation>
    </message>
    <message>
        <source>{label}: the server asks for a password</source>
        <translation>{label}：服务器要求输入密码</translation>
    </message>
    <message>
        <source>{label}: the server refused the user name or password</source>
        <translation>{label}：服务器拒绝了用户名或密码</translation>
    </message>
    <message>
        <source>{label}: no server answers there (connection refused); is it running?</source>
        <translation>{label}：该地址没有服务器应答（连接被拒绝）；服务器是否在运行？</translation>
    </message>
    <message>
        <source>{label}: the server closed the connection (stopped or restarting?)</source>
        <translation>{label}：服务器关闭了连接（已停止或正在重启？）</translation>
    </message>
    <message>
        <source>{label}: no answer from the server (timed out)</source>
        <translation>{label}：服务器没有应答（超时）</translation>
    </message>
    <message>
        <source>{label}: unknown host name</source>
        <translation>{label}：未知的主机名</translation>
    </message>
    <message>
        <source>not a PostgreSQL URL: {text} (postgresql://host/dbname)</source>
        <translation>不是 PostgreSQL URL：{text}（postgresql://host/dbname）</translation>
    </message>
    <message>
        <source>malformed PostgreSQL URL …@{shown}: {error}</source>
        <translation>格式错误的 PostgreSQL URL …@{shown}：{error}</translation>
    </message>
    <message>
        <source>no password store (keyring) is available: the password is not kept</source>
        <translation>没有可用的密码存储（密钥环）：密码不会被保存</translation>
    </message>
    <message>
        <source>the keyring did not keep the password: {error}</source>
        <translation>密钥环未能保存密码：{error}</translation>
    </message>
</context>
<context>
    <name>Sheet</name>
    <message>
        <source>Bills</source>
        <translation>话单</translation>
    </message>
    <message>
        <source>No bill matches the filter of this export (see the Report sheet).</source>
        <translation>没有话单符合本次导出的筛选条件（见“报告”工作表）。</translation>
    </message>
    <message>
        <source>{title} (s)</source>
        <translation>{title}（秒）</translation>
    </message>
    <message>
        <source>{title} (meaning)</source>
        <translation>{title}（含义）</translation>
    </message>
    <message>
        <source>Source line</source>
        <translation>来源行号</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <source>Bill IDs</source>
        <translation>话单ID</translation>
    </message>
    <message>
        <source>Anomalies</source>
        <translation>异常</translation>
    </message>
</context>
<context>
    <name>Signing</name>
    <message>
        <source>{path}: the private signing key must be readable by its owner only (run: chmod 600 {path})</source>
        <translation>{path}：签名私钥必须只有其所有者可读（请运行：chmod 600 {path}）</translation>
    </message>
    <message>
        <source>{path}: not a readable private key ({error})</source>
        <translation>{path}：不是可读取的私钥（{error}）</translation>
    </message>
    <message>
        <source>{path}: not an Ed25519 private key</source>
        <translation>{path}：不是 Ed25519 私钥</translation>
    </message>
    <message>
        <source>{path}: cannot use the signing key ({error})</source>
        <translation>{path}：无法使用签名密钥（{error}）</translation>
    </message>
    <message>
        <source>{path}: cannot read the key file ({error})</source>
        <translation>{path}：无法读取密钥文件（{error}）</translation>
    </message>
    <message>
        <source>{path}: not a public key file (expected the PEM that &apos;bill-viewer key export&apos; writes)</source>
        <translation>{path}：不是公钥文件（应为“bill-viewer key export”写出的 PEM）</translation>
    </message>
    <message>
        <source>{path}: not an Ed25519 public key</source>
        <translation>{path}：不是 Ed25519 公钥</translation>
    </message>
</context>
<context>
    <name>State</name>
    <message>
        <source>Busy 4 (rest)</source>
        <translation>示忙 4（休息）</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>已签入</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>示忙</translation>
    </message>
    <message>
        <source>Rest</source>
        <translation>休息</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>工作态</translation>
    </message>
    <message>
        <source>Study</source>
        <translation>学习态</translation>
    </message>
    <message>
        <source>In conversation</source>
        <translation>通话中</translation>
    </message>
    <message>
        <source>Call held</source>
        <translation>保持呼叫</translation>
    </message>
    <message>
        <source>Internal help</source>
        <translation>内部求助</translation>
    </message>
    <message>
        <source>Three-party conversation</source>
        <translation>三方通话</translation>
    </message>
    <message>
        <source>Conference</source>
        <translation>会议态</translation>
    </message>
    <message>
        <source>Listening in</source>
        <translation>监听</translation>
    </message>
    <message>
        <source>Forced</source>
        <translation>强制操作</translation>
    </message>
    <message>
        <source>Other operation</source>
        <translation>其他操作</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>未签入</translation>
    </message>
    <message>
        <source>{state}: {reason}</source>
        <translation>{state}：{reason}</translation>
    </message>
    <message>
        <source>In conversation ({media}</source>
        <translation>通话中（{media}</translation>
    </message>
    <message>
        <source>, call {call})</source>
        <translation>，呼叫 {call}）</translation>
    </message>
    <message>
        <source>)</source>
        <translation>）</translation>
    </message>
    <message>
        <source> by {who}</source>
        <translation>，执行者：{who}</translation>
    </message>
    <message>
        <source>Sign-out: {reason} (cause {code})</source>
        <translation>签出：{reason}（原因 {code}）</translation>
    </message>
    <message>
        <source>Signed in (session {session})</source>
        <translation>已签入（签入序列 {session}）</translation>
    </message>
</context>
<context>
    <name>Summary</name>
    <message>
        <source>Agent</source>
        <translation>座席</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>签入时长</translation>
    </message>
    <message>
        <source>In conversation</source>
        <translation>通话时长</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>通话次数</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>示忙</translation>
    </message>
    <message>
        <source>Rest</source>
        <translation>休息</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>工作态</translation>
    </message>
    <message>
        <source>Study</source>
        <translation>学习态</translation>
    </message>
    <message>
        <source>Forced events</source>
        <translation>强制操作次数</translation>
    </message>
    <message>
        <source>Anomalies</source>
        <translation>异常数</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Anomaly</source>
        <translation>异常</translation>
    </message>
    <message>
        <source>Begin</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>End</source>
        <translation>结束时间</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Bills (row keys)</source>
        <translation>话单（行键）</translation>
    </message>
</context>
<context>
    <name>Time</name>
    <message>
        <source>as exported (tenant time)</source>
        <translation>按导出原样（租户时间）</translation>
    </message>
    <message>
        <source>as exported (tenant time, {zone})</source>
        <translation>按导出原样（租户时间，{zone}）</translation>
    </message>
    <message>
        <source>a time zone name is up to {count} printable characters, e.g. Asia/Shanghai or UTC+08:00</source>
        <translation>时区名称最多 {count} 个可打印字符，例如 Asia/Shanghai 或 UTC+08:00</translation>
    </message>
</context>
<context>
    <name>Verify</name>
    <message>
        <source>(no name)</source>
        <translation>（无名称）</translation>
    </message>
    <message>
        <source>the Report&apos;s signature or key is missing</source>
        <translation>报告中缺少签名或密钥</translation>
    </message>
    <message>
        <source>the stated fingerprint is not the stated key&apos;s</source>
        <translation>报告中记载的指纹与记载的密钥不符</translation>
    </message>
    <message>
        <source>the signature does not match the workbook: something was changed after signing</source>
        <translation>签名与工作簿不符：签名之后有内容被改动</translation>
    </message>
    <message>
        <source>{path}: no such file</source>
        <translation>{path}：文件不存在</translation>
    </message>
    <message>
        <source>{path}: not a readable .xlsx workbook ({error})</source>
        <translation>{path}：不是可读取的 .xlsx 工作簿（{error}）</translation>
    </message>
    <message>
        <source>the filter&apos;s {key} names no sheet</source>
        <translation>筛选条件的 {key} 未指明工作表</translation>
    </message>
    <message>
        <source>the filter&apos;s {key}: sheet {title} is missing</source>
        <translation>筛选条件的 {key}：缺少工作表 {title}</translation>
    </message>
    <message>
        <source>the filter&apos;s {key}: the Report states {count} values, the sheet(s) hold {held}</source>
        <translation>筛选条件的 {key}：报告中记载 {count} 个值，工作表中有 {held} 个</translation>
    </message>
    <message>
        <source>the filter&apos;s {key}: the values do not match their SHA-256</source>
        <translation>筛选条件的 {key}：这些值与其 SHA-256 不符</translation>
    </message>
    <message>
        <source>{path}: not an Agent Bill Viewer export (no Report sheet)</source>
        <translation>{path}：不是 Agent Bill Viewer 的导出文件（没有“报告”工作表）</translation>
    </message>
    <message>
        <source>{path}: the Report&apos;s {label} is not valid JSON</source>
        <translation>{path}：报告中的 {label} 不是有效的 JSON</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>{path}: the Report&apos;s filter is not a valid filter ({error})</source>
        <translation>{path}：报告中的筛选条件无效（{error}）</translation>
    </message>
    <message>
        <source>{path}: the Report sheet states no {label}</source>
        <translation>{path}：“报告”工作表中没有 {label}</translation>
    </message>
</context>
</TS>
