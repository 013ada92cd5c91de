package testsite

import (
	"fmt"
	"hash/fnv"
	"strings"
)

// The prose of a report (一、总体情况, 五、存在的主要问题及改进情况, 六、其他需要报告的事项)
// is each body's own writing, as in the real reports of the corpus: sentences
// about its own work, in one of several phrasings, which a body keeps from one
// year to the next for some paragraphs and rewrites for others. Two habits that
// journalists look for are simulated on purpose:
//
//   - a body that republishes last year's text with this year's figures
//     (copiesLastYear: every paragraph kept, every year);
//   - townships that fill in the model text their county's 政务公开办 sent round
//     (usesCountyModel: one text per county and year, the township's name put in).
//
// Prose never draws from the world's random source: it is a function of the
// body, the year and the portal, so that adding it changes no figure, id or date.

// proseSeed hashes the parts that decide a choice. FNV's low bits follow its
// input's last bytes, so the sum is mixed (splitmix64's finaliser) before it
// picks by remainder.
func proseSeed(parts ...any) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		fmt.Fprint(h, p, "\x00")
	}
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// copiesLastYear says whether a body republishes its previous report's text.
func copiesLastYear(o *organ) bool { return proseSeed("copies", o.unit)%7 == 0 }

// usesCountyModel says whether a township writes its report on its county's model.
func usesCountyModel(o *organ) bool {
	return o.prof.size == sizeTown && isTownship(o.unit) && proseSeed("model", o.unit)%2 == 1
}

func isTownship(unit string) bool {
	return strings.Contains(unit, "镇") || strings.Contains(unit, "乡") || strings.Contains(unit, "街道")
}

// workAreas are the subjects a body's reports write about, by the kind of body,
// the first marker its name holds (镇 before 人民政府, which a township's name
// also holds, and 人民政府 before 民政, which it contains; 住房和城乡建设局 before 乡).
var workAreas = []struct {
	marker string
	areas  []string
}{
	{"办公室", []string{"政府常务会议", "政策文件", "建议提案办理", "政务督查", "公文处理"}},
	{"住房", []string{"保障性住房", "建筑市场监管", "老旧小区改造", "物业管理", "房屋征收"}},
	{"镇", []string{"惠民惠农补贴", "村务财务公开", "低保五保", "乡村振兴项目", "人居环境整治"}},
	{"街道", []string{"社区服务", "居民救助", "老旧小区改造", "网格化管理", "辖区安全"}},
	{"乡", []string{"惠民惠农补贴", "村务财务公开", "低保五保", "乡村振兴项目", "人居环境整治"}},
	{"人民政府", []string{"重大行政决策", "财政预决算", "重点项目建设", "民生实事", "规范性文件"}},
	{"教育", []string{"招生入学", "学校收费", "教育督导", "学生资助", "校园安全"}},
	{"卫生", []string{"医疗服务价格", "公共卫生", "疫苗接种", "医疗机构执业", "传染病防控"}},
	{"财政", []string{"部门预决算", "政府采购", "财政专项资金", "政府债务", "惠农补贴发放"}},
	{"发展", []string{"重大建设项目", "价格监测", "粮食储备", "项目审批", "节能审查"}},
	{"应急", []string{"安全生产执法", "防汛抗旱", "自然灾害救助", "应急预案", "危险化学品监管"}},
	{"民政", []string{"低保救助", "养老服务", "社会组织管理", "殡葬改革", "婚姻登记"}},
	{"司法", []string{"法律援助", "人民调解", "行政复议办理", "普法宣传", "社区矫正"}},
	{"审计", []string{"审计结果", "经济责任审计", "专项资金审计", "审计整改", "投资审计"}},
	{"政务服务", []string{"办事指南", "一件事一次办", "窗口服务评价", "帮办代办", "好差评"}},
	{"档案", []string{"档案开放", "档案查阅利用", "馆藏征集", "档案安全", "数字档案"}},
	{"地方志", []string{"志书编纂", "年鉴出版", "方志资源开发", "地情资料", "旧志整理"}},
}

func areasOf(unit string) []string {
	for _, wa := range workAreas {
		if strings.Contains(unit, wa.marker) {
			return wa.areas
		}
	}
	return []string{"行政执法", "政策解读", "办事指南", "权责清单", "公共服务"}
}

// proseSlots are the paragraphs of 一、总体情况 and of section five, each in several
// phrasings. {Y} is the year, {O} the body as its title names it, {A0}…{A4} its
// work areas, {N} a count (a number the body changes every year).
var proseSlots = [][]string{
	{
		"{Y}年，{O}坚持以人民为中心的发展思想，把政务公开作为建设法治机关的重要抓手，全年主动公开政府信息{N}条。",
		"{Y}年，{O}在上级党委政府的领导下，围绕{A0}、{A1}等中心工作，依法依规推进政府信息公开，累计发布信息{N}条。",
		"过去一年，{O}对照年度政务公开工作要点，细化任务清单，明确责任股室，共发布各类政务信息{N}条。",
		"{Y}年度，{O}把公开透明作为政务工作的基本要求，结合{A0}工作实际，主动公开信息{N}条，较好完成了年度任务。",
		"这一年里，{O}紧扣{A1}和{A2}两项重点，推动决策、执行、管理、服务、结果全过程公开，公开各类信息{N}条。",
		"{Y}年{O}共通过门户网站、政务新媒体等渠道发布信息{N}条，政务公开工作在全区考核中位次前移。",
	},
	{
		"主动公开方面，重点公开{A0}、{A1}、{A2}等群众关注的信息，做到应公开尽公开。",
		"围绕{A0}和{A3}，及时发布政策文件和办事流程，方便群众查询办理。",
		"{A1}、{A2}信息按月更新，{A4}相关信息在专栏集中展示，群众一站即可查阅。",
		"在门户网站开设{A0}专题，集中公开相关政策、标准和办理结果，全年更新专题内容{N}次。",
		"坚持把{A3}作为公开重点，对涉及群众切身利益的事项提前公示、及时公开结果。",
		"按照“五公开”要求，将{A2}、{A4}等信息纳入公开目录，实行清单化管理。",
	},
	{
		"依申请公开方面，畅通当面、信函、网络等申请渠道，规范受理、交办、答复各环节。",
		"对收到的政府信息公开申请，做到专人登记、限时办理、统一答复，答复文书说明理由和依据。",
		"完善依申请公开工作规程，建立疑难申请会商机制，涉及{A1}的申请均在法定期限内答复。",
		"依申请公开实行台账管理，每件申请从登记到答复全程留痕，并及时归档备查。",
		"对申请人要求公开{A0}相关信息的，主动与申请人沟通，尽量提供已有的信息。",
	},
	{
		"政府信息管理方面，严格执行信息发布“三审”制度，对拟公开信息进行保密审查。",
		"定期清理已公开信息，对{A2}等时效性强的内容及时更新，对过期文件作出标注。",
		"建立政府信息公开属性源头认定机制，公文拟制时同步确定公开方式。",
		"对本单位制发的规范性文件开展清理，清理结果向社会公布，并实行动态更新。",
		"落实信息发布前审核制度，明确分管领导终审，全年未发生泄密和错发信息情况。",
	},
	{
		"平台建设方面，优化门户网站信息公开专栏栏目设置，提升检索和移动端浏览体验。",
		"依托政务新媒体扩大{A0}信息传播范围，全年推送图文{N}篇。",
		"及时更新政府信息公开指南和目录，公开联系电话和办公地址，方便群众咨询。",
		"推进政务公开专区建设，在服务窗口设置查阅点，为群众提供现场查询服务。",
		"加强网站日常监测，对错链、断链和空白栏目及时整改，确保平台运行平稳。",
	},
	{
		"监督保障方面，将政务公开纳入年度目标考核，定期通报工作进展。",
		"组织政务公开业务培训{N}次，提升工作人员依法公开的意识和能力。",
		"主动接受社会监督，对群众反映的公开问题及时回应、限期整改。",
		"成立政务公开工作领导小组，主要负责人亲自抓，明确专人负责日常工作。",
		"把{A3}信息公开情况纳入内部督查范围，发现问题立行立改。",
	},
	{
		"存在的主要问题：一是{A1}信息更新不够及时；二是政策解读形式比较单一，图解、视频等形式运用不多。下一步，将健全更新机制，丰富解读形式。",
		"工作中还存在一些不足：公开内容的深度和广度不够，{A0}方面的信息还不够全面。今后将对照公开目录逐项补齐。",
		"对照上级要求，本单位在依申请公开答复的规范性、政务新媒体的互动性方面仍有差距，将通过加强培训、完善制度加以改进。",
		"问题主要是工作力量不足，兼职人员变动较多，{A2}等专业信息公开质量不高。下一步将配齐配强工作人员，加强业务指导。",
		"一是基层政务公开标准化规范化建设推进不平衡；二是群众参与渠道不多。下一步将结合{A4}工作，拓展公众参与方式。",
	},
}

// reportProse is a report's prose paragraphs for 一、总体情况 and section five.
func reportProse(it *reportItem) (overview []string, problems string) {
	o := it.organ
	unit, name, areas := o.unit, it.titleOrgan, areasOf(o.unit)
	if usesCountyModel(o) {
		// The county's model text: the same sentences for every township that uses
		// it, written for a township's work.
		unit, areas = "model:"+it.portal.code, areasOf("镇")
	}
	fill := func(s string, slot int) string {
		r := strings.NewReplacer("{Y}", fmt.Sprint(it.year), "{O}", name,
			"{A0}", areas[0], "{A1}", areas[1], "{A2}", areas[2], "{A3}", areas[3], "{A4}", areas[4],
			"{N}", fmt.Sprint(12+proseSeed("n", o.unit, it.year, slot)%380))
		return r.Replace(s)
	}
	var out []string
	for slot, phrasings := range proseSlots {
		s := fill(phrasings[proseSeed(unit, slot, revision(unit, o, slot, it.year))%uint64(len(phrasings))], slot)
		if slot == len(proseSlots)-1 {
			problems = s
		} else {
			out = append(out, s)
		}
	}
	return out, problems
}

// revision is the year a paragraph was last rewritten: a body rewrites each
// paragraph in a year with two chances in three, a body that copies last year's
// text never after its first report.
func revision(unit string, o *organ, slot, year int) int {
	if copiesLastYear(o) && !usesCountyModel(o) {
		return 0
	}
	for y := year; y > 2000; y-- {
		if proseSeed("rewrite", unit, slot, y)%3 != 0 {
			return y
		}
	}
	return 0
}
