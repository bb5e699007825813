"""Chinese translations of the foundation pages (merged by config/locale/merge.py)."""

T = {
'Role and regions':'角色与地区','Accounts':'账户','Dashboard':'工作台','Ledger':'台账','Review cases':'审核案件','Early warning':'预警','Reports':'报告','Rule sets':'规则集','Regions':'地区',
'Agency uploader':'报送单位','City reviewer':'市级审核','Provincial reviewer':'省级审核','Observer':'观察员','Administrator':'管理员',
'Daily':'每日','Weekly':'每周','Monthly':'每月','Off':'不订阅','role':'角色','regions':'地区','The user sees these regions and the regions that report to them.':'用户可查看这些地区及向其报送的地区。',
'digest e-mail':'摘要邮件','user':'用户','users':'用户','Two-high screening':'两高项目甄别','Province':'省','City':'市','Zone':'区','County':'县(市)',
'code':'代码','name':'名称','English name':'英文名称','level':'级别','parent region':'上级地区','Geography: where inherited attributes come from.':'地理隶属:继承属性的来源。',
'reports to':'报送至',"The review line: whose reviewers review this region's cases.":'审核线:由谁审核本地区的案件。','aliases':'别名','takes projects':'可登记项目','region':'地区',
'Key air-pollution control area':'大气污染防治重点区域','Air-quality non-attainment area':'大气环境质量未达标地区','valid from':'生效日期','valid to':'失效日期',
'Last day it holds; blank = open-ended.':'最后有效日;留空表示长期有效。','source':'来源','status':'状态','confirmed':'已核实','unconfirmed':'待核实',
'region attribute':'地区属性','region attributes':'地区属性','title (Chinese)':'标题(中文)','title (English)':'标题(英文)','effective from':'生效日期','parameters':'参数',
'rule set':'规则集','rule sets':'规则集','Red (level 1 warning)':'红色(一级预警)','Yellow (level 2 warning)':'黄色(二级预警)','Green (on track)':'绿色(三级,进度正常)',
'monthly indicators':'月度指标','energy dual-control target met':'完成能耗双控目标','pollutant-total target met':'完成污染物总量控制目标','annual target result':'年度目标完成情况','annual target results':'年度目标完成情况',
'Sign-in locked':'登录已锁定','Too many failed sign-in attempts for this account from your address. Please wait 15 minutes and try again, or ask an administrator.':'该账户从您的地址登录失败次数过多。请等待15分钟后重试,或联系管理员。',
'Two-high project screening':'两高项目甄别','Henan':'河南','Main':'主导航','Language':'语言','Switch':'切换','Password':'密码','Admin':'后台管理','Sign out':'退出',
'Henan Development and Reform Commission · screening of high-energy, high-emission projects':'河南省发展和改革委员会 · 高耗能高排放项目甄别','Sign in':'登录',
'Your user name and password did not match. Please try again.':'用户名或密码不正确,请重试。','User name':'用户名','After several failed attempts sign-in is locked for a while.':'多次登录失败后将暂时锁定。',
'Password changed':'密码已修改','Back to the start page':'返回首页','Change password':'修改密码','Regions in your scope':'您管辖的地区','See the regions':'查看地区','Rule set in force today':'今日适用的规则集',
'effective from %(date)s':'自 %(date)s 起施行','No rule set is in force: screening is refused.':'没有生效的规则集:无法甄别。','Level':'级别','Parent region':'上级地区','Reports to':'报送至',
'Aliases accepted in the ledger':'台账中可用的别名','Cases of this region go straight to provincial review.':'本地区案件直接报省级审核。','Dated attributes':'分时段属性','Attribute':'属性','Value':'值',
'Valid from':'生效日期','Valid to':'失效日期','Source':'来源',"No attributes of its own: it takes its parent region's.":'无自有属性:沿用上级地区的属性。','Code':'代码','Name':'名称','Parameter':'参数','Status':'状态',
'A project is screened under the latest rule set whose effective date is on or before the screening date.':'项目按甄别日当日或之前生效的最新规则集甄别。','Title':'标题','Effective from':'生效日期','in force today':'今日适用','No rule sets loaded.':'尚未载入规则集。',
}
