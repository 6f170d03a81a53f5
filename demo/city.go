// Package demo loads a living demo city into an empty database: districts,
// streets and grids, linkage units of every type, a user of every role, and a
// few hundred incidents in every state, all made through the service layer so
// that every record is one the real rules could produce.
package demo

import "github.com/fenliu/fenliu"

// The demo city 临江市 (Linjiang), with three districts of three streets of
// three grids each.
var districts = []struct {
	code, name string
	lat, lng   float64
	streets    []string
}{
	{"JN", "江南区", 22.78, 108.30, []string{"江南街道", "福建园街道", "沙井街道"}},
	{"JB", "江北区", 22.84, 108.33, []string{"新竹街道", "中山街道", "民主街道"}},
	{"GX", "高新区", 22.85, 108.26, []string{"心圩街道", "安吉街道", "科园街道"}},
}

// cityUnits are the city-wide units, one or more of every contract unit type.
var cityUnits = []struct {
	code, name string
	typ        fenliu.UnitType
	phone      string
	always     bool
}{
	{"POLICE-CMD", "临江市公安局指挥中心", fenliu.UTPolice, "110", true},
	{"TRAFFIC", "临江市公安局交通警察支队", fenliu.UTTrafficPolice, "122", true},
	{"FIRE", "临江市消防救援支队", fenliu.UTFireRescue, "119", true},
	{"EMS", "临江市急救中心", fenliu.UTMedicalEmergency, "120", true},
	{"UM", "临江市城市管理综合执法局", fenliu.UTUrbanManagement, "0771-5510001", true},
	{"SAMR", "临江市市场监督管理局", fenliu.UTMarketRegulation, "0771-5510002", false},
	{"HRSS", "临江市人力资源和社会保障局劳动保障监察支队", fenliu.UTHumanResources, "0771-5510003", false},
	{"HOUSING", "临江市住房和城乡建设局", fenliu.UTHousing, "0771-5510004", false},
	{"ECO", "临江市生态环境局", fenliu.UTEcologyEnvironment, "0771-5510005", true},
	{"MUNI", "临江市市政和园林管理局", fenliu.UTMunicipal, "0771-5510006", true},
	{"WATER", "临江市自来水公司", fenliu.UTWater, "0771-5510007", true},
	{"POWER", "临江供电局", fenliu.UTPower, "95598", true},
	{"GAS", "临江华润燃气公司", fenliu.UTGas, "0771-5510009", true},
	{"TELECOM", "临江市通信管理办公室", fenliu.UTTelecom, "0771-5510010", false},
	{"TRANSPORT", "临江市交通运输局", fenliu.UTTransport, "0771-5510011", false},
	{"HEALTH", "临江市卫生健康委员会", fenliu.UTHealth, "0771-5510012", false},
	{"CIVIL", "临江市民政局", fenliu.UTCivilAffairs, "0771-5510013", false},
	{"EDU", "临江市教育局", fenliu.UTEducation, "0771-5510014", false},
	{"LAND", "临江市自然资源局", fenliu.UTNaturalResources, "0771-5510015", false},
	{"AGRI", "临江市农业农村局", fenliu.UTAgriculture, "0771-5510016", false},
	{"JUSTICE", "临江市司法局人民调解中心", fenliu.UTMediation, "0771-5510017", false},
	{"EMERG", "临江市应急管理局", fenliu.UTEmergencyManagement, "0771-5510018", true},
	{"PSY", "临江市心理援助热线中心", fenliu.UTPsychSupport, "12356", true},
	{"TOBACCO", "临江市烟草专卖局", fenliu.UTTobacco, "12313", false},
	{"LEGAL", "临江市公共法律服务中心", fenliu.UTLegalServices, "12348", false},
	{"DESK12345", "临江市12345热线联动专席", fenliu.UTSubdistrict, "12345", true},
	{"DUTYROOM", "临江市人民政府总值班室", fenliu.UTSubdistrict, "0771-5500000", true},
	// Partner teams that green channels bring in.
	{"BLUESKY", "临江蓝天救援队", fenliu.UTVolunteerRescue, "0771-5566119", true},
	{"CRISIS", "临江市心理危机干预中心", fenliu.UTPsychCrisis, "0771-5566120", true},
	{"WOMEN", "临江市妇女联合会维权中心", fenliu.UTWomenChildren, "12338", false},
	{"AID", "临江市慈善总会急难救助站", fenliu.UTSocialAid, "0771-5566121", false},
}

// call is a demo call: what the caller said and how a dispatcher answered it.
type call struct {
	text  string
	disp  fenliu.Disposition
	units []fenliu.UnitType // lead first
	cat   string
	hot   string
}

var calls = []call{
	{"晚上两点了，楼下夜市的烧烤摊还在放音乐划拳，吵得根本睡不着", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTUrbanManagement}, "city_appearance.night_market_noise", ""},
	{"有辆白色轿车堵在我家车库门口，打车上电话没人接，我要出门上班", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTTrafficPolice}, "traffic_order.blocking_vehicle", ""},
	{"包工头欠我们十几个人三个月工资，一直拖着不给", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTHumanResources}, "labour.unpaid_wages", ""},
	{"我办了健身卡充了五千块，健身房突然关门了，老板电话打不通", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTMarketRegulation}, "consumer.prepaid_card", ""},
	{"楼上卫生间漏水，我家天花板都泡坏了，敲门没人应", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTHousing, fenliu.UTMediation}, "housing.water_leak_between_flats", ""},
	{"小区门口人行道上有个井盖没了，晚上很危险", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTMunicipal}, "municipal.manhole_cover", ""},
	{"我们这一片从早上开始停水，到现在还没来", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTWater}, "water.supply_interruption", ""},
	{"整栋楼停电快四个小时了，冰箱里的东西都要坏了", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTPower}, "power.outage", ""},
	{"路边大树被风吹倒了，压在人行道上，没人受伤", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTMunicipal}, "municipal.fallen_tree", ""},
	{"附近工厂晚上偷偷排黑烟，气味很刺鼻，窗户都不敢开", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTEcologyEnvironment}, "environment.air_pollution", ""},
	{"物业把小区绿地改成停车位收费，业主都不同意", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTHousing}, "housing.property_management", ""},
	{"我家阳台外面有个马蜂窝，有脸盆那么大，孩子不敢出去", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTFireRescue}, "rescue_service.hornet_nest", ""},
	{"出租车司机不打表，到站要我一百块", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTTransport}, "transport.taxi", ""},
	{"超市卖的牛奶过期了两个星期还在架子上", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTMarketRegulation}, "consumer.food_safety", ""},
	{"桥洞下面有个老人睡了好几天，天冷了怕出事", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTCivilAffairs}, "civil_affairs.homeless_assistance", ""},
	{"邻居家的狗天天半夜叫，说了好几次也不管", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTMediation, fenliu.UTSubdistrict}, "mediation.neighbour_dispute", ""},
	{"路口红绿灯坏了，一直闪黄灯，车都乱开", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTTrafficPolice}, "traffic_order.traffic_signal", ""},
	{"家里宽带断了三天了，报修一直没人来", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTTelecom}, "telecom.broadband", ""},
	{"工地晚上十一点还在打桩，整个小区都睡不了", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTUrbanManagement, fenliu.UTHousing}, "city_appearance.construction_noise", ""},
	{"学校门口一放学就全是流动摊贩，车都过不去", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTUrbanManagement}, "city_appearance.street_vendor", ""},
	{"小区里垃圾三天没人清了，臭得不行", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTUrbanManagement, fenliu.UTSubdistrict}, "city_appearance.garbage", ""},
	{"培训机构收了一年学费现在跑路了", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTEducation, fenliu.UTMarketRegulation}, "education.off_campus_training", ""},
	{"有只小猫卡在空调外机和墙中间下不来", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTFireRescue}, "rescue_service.animal_rescue", ""},
	{"老旧小区楼道里电线乱拉，怕起火", fenliu.DispDivert, []fenliu.UnitType{fenliu.UTEmergencyManagement, fenliu.UTSubdistrict}, "safety.fire_hazard", ""},
	{"想问一下遗产继承要准备什么材料", fenliu.DispRedirect, []fenliu.UnitType{fenliu.UTLegalServices}, "legal.legal_consultation", "12348"},
	{"楼下小卖部卖的烟好像是假烟", fenliu.DispRedirect, []fenliu.UnitType{fenliu.UTTobacco}, "tobacco.counterfeit", "12313"},
	{"有人在小区停车场撬车门，现在还在", fenliu.DispPolice, []fenliu.UnitType{fenliu.UTPolice}, "property_crime.theft", ""},
	{"两伙人在烧烤店门口打起来了，有人拿了酒瓶", fenliu.DispPolice, []fenliu.UnitType{fenliu.UTPolice}, "public_safety.fight", ""},
	{"十字路口两辆车撞了，有个骑电动车的倒在地上流血", fenliu.DispJoint, []fenliu.UnitType{fenliu.UTPolice, fenliu.UTTrafficPolice, fenliu.UTMedicalEmergency}, "emergency.traffic_injury", ""},
	{"对面楼五楼窗户冒黑烟，好像着火了", fenliu.DispJoint, []fenliu.UnitType{fenliu.UTPolice, fenliu.UTFireRescue, fenliu.UTMedicalEmergency}, "emergency.fire", ""},
	{"我妈有老年痴呆，早上自己出门到现在还没回来，电话也没带", fenliu.DispPolice, []fenliu.UnitType{fenliu.UTPolice}, "persons.missing", ""},
	{"邕江大桥上有个女孩站在栏杆外面哭，说不想活了", fenliu.DispJoint, []fenliu.UnitType{fenliu.UTPolice, fenliu.UTFireRescue, fenliu.UTMedicalEmergency}, "emergency.suicide_risk", ""},
	{"刚才有人自称公安说我涉嫌洗钱，让我把钱转到安全账户，我已经转了两万", fenliu.DispPolice, []fenliu.UnitType{fenliu.UTPolice}, "fraud.telecom_fraud", ""},
}

var names = []string{"张先生", "李女士", "王阿姨", "刘师傅", "陈先生", "杨女士", "黄大爷", "赵先生", "周女士", "吴先生", "徐女士", "孙先生"}

var roads = []string{"民族大道", "友爱路", "星光大道", "白沙大道", "科园大道", "中华路", "新民路", "园湖路", "江南大道", "秀厢大道"}
