-- +goose Up
-- The catalogue of common rejection reasons (issue 15): what reviewers
-- pick instead of typing. field is a path of the filing document with
-- website indexes left open (websites[].name, attachments.site_photo[]);
-- code is the reason's stable rule code.
CREATE TABLE rejection_reasons (
    code       TEXT PRIMARY KEY,
    field      TEXT NOT NULL,
    text_zh    TEXT NOT NULL,
    text_en    TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL DEFAULT 0
);

INSERT INTO rejection_reasons (code, field, text_zh, text_en, position) VALUES
('subject.name.mismatch', 'subject.name', '主办单位名称须与证件上的名称完全一致。', 'The subject''s name must match the name on its certificate exactly.', 10),
('subject.cert_address.mismatch', 'subject.cert_address', '证件住所须与证件上的地址完全一致。', 'The certificate address must match the address on the certificate exactly.', 20),
('subject.mailing_address.incomplete', 'subject.mailing_address', '通信地址须详细到门牌号（如某路某号某室）。', 'The mailing address must go down to the street number and room.', 30),
('subject.leader.mobile.not_own', 'subject.leader.mobile', '主体负责人手机号码须为本人实名登记的号码。', 'The subject leader''s mobile number must be registered in the leader''s own name.', 40),
('website.name.unsuitable', 'websites[].name', '网站名称不能是域名、纯数字或与网站内容无关的词语，请使用能反映网站内容的名称。', 'The website''s name may not be a domain, digits only or unrelated to the content; use a name that says what the website is about.', 50),
('website.content_types.mismatch', 'websites[].content_types', '网站内容类型与网站实际内容不符。', 'The content types do not match what the website actually shows.', 60),
('website.leader.mobile.not_own', 'websites[].leader.mobile', '网站负责人手机号码须为本人实名登记的号码。', 'The website leader''s mobile number must be registered in the leader''s own name.', 70),
('attachment.subject_certificate.unclear', 'attachments.subject_certificate', '证件照片不清晰或不完整，请上传四角完整、文字清楚的彩色照片。', 'The certificate photo is unclear or cut off; upload a colour photo showing all four corners with legible text.', 80),
('attachment.leader_id.both_sides', 'attachments.subject_leader_id', '负责人证件须正反面合成在一张图片内，且在有效期内。', 'The leader''s ID must show front and back in one image and be within its validity.', 90),
('attachment.site_photo.backdrop', 'attachments.site_photo[]', '幕布照片须为网站负责人本人正面免冠、站在本公司幕布前拍摄，幕布完整可见。', 'The backdrop photo must show the website leader in person, facing the camera, bare-headed, in front of the whole of our backdrop.', 100),
('attachment.verification_form.signature', 'attachments.verification_form[]', '核验单须由网站负责人本人签字，单位须加盖公章，日期须填写完整。', 'The verification form must be signed by the website leader in person, stamped by the organisation and fully dated.', 110),
('attachment.domain_certificate.holder', 'attachments.domain_certificate[]', '域名证书的持有者须与主办单位一致。', 'The domain certificate''s holder must be the subject itself.', 120);

-- +goose Down
DROP TABLE rejection_reasons;
